using Octokit;

namespace Ava.Action.Publishing;

/// <summary>One file of a branch as the contents API returns it.</summary>
public sealed record RepositoryFile(string Path, string Sha, string Text);

/// <summary>
/// Commits single files (registry JSON) through the contents API. Every write carries the sha we read; when another job
/// wrote first (409, or 422 about the sha) we read again and re-apply our change to the new content, so concurrent jobs
/// neither lose each other's entries nor write the same one twice.
/// </summary>
public sealed class RepositoryFilesApi(IGitHubClient client, GitHubRepository repo, GitHubCalls calls)
{
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan ConflictDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public async Task<RepositoryFile?> ReadAsync(string path, string branch, CancellationToken ct = default)
    {
        try
        {
            var items = await calls.RunAsync($"reading {path} on {branch} of {repo}",
                _ => client.Repository.Content.GetAllContentsByRef(repo.Owner, repo.Name, path, branch), ct);
            var file = items.FirstOrDefault(i => i.Type == ContentType.File && i.Path == path) ?? items.FirstOrDefault();
            return file is null ? null : new RepositoryFile(path, file.Sha, file.Content ?? "");
        }
        catch (GitHubNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="update"/>(current text, or null for a new file) to <paramref name="path"/> on
    /// <paramref name="branch"/>. Nothing is committed when the result equals what is there.
    /// </summary>
    public async Task<FileCommit> CommitAsync(string path, string branch, Func<string?, string> update, string message, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(path, branch, ct);
            var next = update(current?.Text);
            if (current is not null && current.Text == next)
                return new FileCommit(path, branch, FileOutcome.Unchanged, current.Sha, null, attempt);
            try
            {
                var change = current is null
                    ? await calls.RunAsync($"creating {path} on {branch} of {repo}",
                        _ => client.Repository.Content.CreateFile(repo.Owner, repo.Name, path, new CreateFileRequest(message, next, branch)), ct)
                    : await calls.RunAsync($"updating {path} on {branch} of {repo}",
                        _ => client.Repository.Content.UpdateFile(repo.Owner, repo.Name, path, new UpdateFileRequest(message, next, current.Sha, branch)), ct);
                return new FileCommit(path, branch, current is null ? FileOutcome.Created : FileOutcome.Updated,
                    change.Content?.Sha, change.Commit?.Sha, attempt);
            }
            catch (GitHubApiException e) when (IsStale(e) && attempt < MaxAttempts)
            {
                await Task.Delay(ConflictDelay * attempt, ct);
            }
        }
    }

    // 409: the sha we sent is no longer the file's. 422 "sha wasn't supplied": the file appeared after we read it.
    private static bool IsStale(GitHubApiException e) =>
        e is GitHubConflictException || e is GitHubRejectedException r && r.Problem.Contains("sha", StringComparison.OrdinalIgnoreCase);
}
