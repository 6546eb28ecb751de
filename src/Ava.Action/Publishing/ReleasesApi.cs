using Octokit;

namespace Ava.Action.Publishing;

/// <summary>Releases: find the release for a tag, or create it (two jobs creating it at once end with the same one).</summary>
public sealed class ReleasesApi(IGitHubClient client, GitHubRepository repo, GitHubCalls calls)
{
    private readonly ApiConnection _api = new(client.Connection);

    public async Task<ReleaseInfo?> FindByTagAsync(string tag, CancellationToken ct = default)
    {
        try
        {
            return await calls.RunAsync($"reading the release for tag {tag} of {repo}",
                _ => _api.Get<ReleaseInfo>(Path($"releases/tags/{Uri.EscapeDataString(tag)}")), ct);
        }
        catch (GitHubNotFoundException)
        {
            return null;
        }
    }

    public Task<ReleaseInfo> CreateAsync(ReleaseRequest request, CancellationToken ct = default)
    {
        var body = new NewRelease(request.Tag)
        {
            Name = request.Name,
            Body = request.Body,
            TargetCommitish = request.TargetCommitish,
            Draft = request.Draft,
            Prerelease = request.Prerelease,
        };
        return calls.RunAsync($"creating the release {request.Tag} in {repo}",
            c => _api.Post<ReleaseInfo>(Path("releases"), body, "application/vnd.github.v3", c), ct);
    }

    /// <summary>The release for the tag, created when missing. Returns whether this call created it.</summary>
    public async Task<(ReleaseInfo Release, bool Created)> EnsureAsync(ReleaseRequest request, CancellationToken ct = default)
    {
        if (await FindByTagAsync(request.Tag, ct) is { } existing) return (existing, false);
        try
        {
            return (await CreateAsync(request, ct), true);
        }
        catch (GitHubRejectedException e) when (e.Has("already_exists"))
        {
            // Another job created it between our read and our create: use theirs.
            var theirs = await FindByTagAsync(request.Tag, ct);
            if (theirs is null) throw;
            return (theirs, false);
        }
    }

    private Uri Path(string rest) => new($"repos/{repo.Owner}/{repo.Name}/{rest}", UriKind.Relative);
}
