using Octokit;

namespace Ava.Action.Publishing;

/// <summary>Branches through the git refs API: the registry branch is created from the default branch when missing.</summary>
public sealed class BranchesApi(IGitHubClient client, GitHubRepository repo, GitHubCalls calls)
{
    public async Task<IReadOnlyDictionary<string, string>> ListHeadsAsync(CancellationToken ct = default)
    {
        var refs = await calls.RunAsync($"listing the branches of {repo}", _ => client.Git.Reference.GetAll(repo.Owner, repo.Name), ct);
        return refs.Where(r => r.Ref.StartsWith("refs/heads/", StringComparison.Ordinal))
            .ToDictionary(r => r.Ref["refs/heads/".Length..], r => r.Object.Sha, StringComparer.Ordinal);
    }

    public async Task<string?> FindHeadAsync(string branch, CancellationToken ct = default)
    {
        try
        {
            var r = await calls.RunAsync($"reading branch {branch} of {repo}", _ => client.Git.Reference.Get(repo.Owner, repo.Name, $"heads/{branch}"), ct);
            return r.Object.Sha;
        }
        catch (GitHubNotFoundException)
        {
            return null;
        }
    }

    public Task CreateAsync(string branch, string sha, CancellationToken ct = default) =>
        calls.RunAsync($"creating branch {branch} in {repo}", _ => client.Git.Reference.Create(repo.Owner, repo.Name, new NewReference($"refs/heads/{branch}", sha)), ct);

    /// <summary>Moves a branch forward only (force is never used, so nobody's commits are dropped).</summary>
    public Task MoveAsync(string branch, string sha, CancellationToken ct = default) =>
        calls.RunAsync($"moving branch {branch} of {repo}", _ => client.Git.Reference.Update(repo.Owner, repo.Name, $"heads/{branch}", new ReferenceUpdate(sha)), ct);

    public Task DeleteAsync(string branch, CancellationToken ct = default) =>
        calls.RunAsync($"deleting branch {branch} of {repo}", _ => client.Git.Reference.Delete(repo.Owner, repo.Name, $"heads/{branch}"), ct);

    /// <summary>The branch's head commit, creating the branch from the repository's default branch when it is missing.</summary>
    public async Task<(string Sha, bool Created)> EnsureAsync(string branch, CancellationToken ct = default)
    {
        if (await FindHeadAsync(branch, ct) is { } sha) return (sha, false);
        var repository = await calls.RunAsync($"reading {repo}", _ => client.Repository.Get(repo.Owner, repo.Name), ct);
        var from = await FindHeadAsync(repository.DefaultBranch, ct)
                   ?? throw new GitHubNotFoundException($"reading the default branch {repository.DefaultBranch} of {repo}", "the default branch has no commits");
        try
        {
            await CreateAsync(branch, from, ct);
            return (from, true);
        }
        catch (GitHubRejectedException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            var theirs = await FindHeadAsync(branch, ct);
            if (theirs is null) throw;
            return (theirs, false);
        }
    }
}
