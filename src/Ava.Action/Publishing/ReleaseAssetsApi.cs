using Octokit;

namespace Ava.Action.Publishing;

/// <summary>
/// Release assets: uploads a file under its name, replacing an existing asset of that name only when its content
/// differs. An asset without a digest (older servers) cannot be proven identical, so it is replaced: that rewrites the
/// same bytes at worst and never leaves a stale file behind.
/// </summary>
public sealed class ReleaseAssetsApi(IGitHubClient client, GitHubRepository repo, GitHubCalls calls)
{
    public const string ContentType = "application/octet-stream";

    private readonly ApiConnection _api = new(client.Connection);

    public Task<IReadOnlyList<AssetInfo>> ListAsync(long releaseId, CancellationToken ct = default) =>
        calls.RunAsync($"listing the assets of release {releaseId} in {repo}",
            _ => _api.GetAll<AssetInfo>(Path($"releases/{releaseId}/assets")), ct);

    public Task DeleteAsync(AssetInfo asset, CancellationToken ct = default) =>
        calls.RunAsync($"deleting the outdated release asset {asset.Name} in {repo}",
            _ => _api.Delete(Path($"releases/assets/{asset.Id}")), ct);

    public Task<AssetInfo> UploadAsync(ReleaseInfo release, string name, string filePath, CancellationToken ct = default)
    {
        var size = new FileInfo(filePath).Length;
        // Generous: a 5 GB model over a slow runner link; Octokit's default of 100 s would cut it off.
        var timeout = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(size / (1 << 20));
        return calls.RunAsync($"uploading {name} to release {release.TagName} of {repo}", async c =>
        {
            await using var stream = File.OpenRead(filePath);
            return await _api.Post<AssetInfo>(UploadUri(release, name), stream, "application/vnd.github.v3", ContentType, timeout, c);
        }, ct);
    }

    public async Task<AssetPublication> PublishAsync(ReleaseInfo release, string filePath, string? name = null, CancellationToken ct = default)
    {
        name ??= System.IO.Path.GetFileName(filePath);
        var size = new FileInfo(filePath).Length;
        var sha = await Sha256Async(filePath, ct);

        var known = release.Assets.FirstOrDefault(a => a.Name == name);
        if (known is not null)
        {
            if (IsSame(known, sha, size)) return Publication(known, AssetOutcome.Unchanged);
            await DeleteAsync(known, ct);
            return Publication(await UploadAsync(release, name, filePath, ct), AssetOutcome.Replaced);
        }
        try
        {
            return Publication(await UploadAsync(release, name, filePath, ct), AssetOutcome.Uploaded);
        }
        catch (GitHubRejectedException e) when (e.Has("already_exists"))
        {
            // The release we read was stale (another job, or an earlier attempt of ours whose answer was lost).
            var existing = (await ListAsync(release.Id, ct)).FirstOrDefault(a => a.Name == name);
            if (existing is null) throw;
            if (IsSame(existing, sha, size)) return Publication(existing, AssetOutcome.Unchanged);
            await DeleteAsync(existing, ct);
            return Publication(await UploadAsync(release, name, filePath, ct), AssetOutcome.Replaced);
        }

        AssetPublication Publication(AssetInfo a, AssetOutcome outcome) => new(name, sha, size, outcome, a.BrowserDownloadUrl, a.Id);
    }

    public static bool IsSame(AssetInfo asset, string sha256, long size) =>
        asset.State == "uploaded" && asset.Size == size
        && string.Equals(asset.Digest, "sha256:" + sha256, StringComparison.OrdinalIgnoreCase);

    public static Task<string> Sha256Async(string path, CancellationToken ct = default) =>
        Task.Run(() => Ava.Compiler.Hashing.FileHasher.HashFile(path).Sha256, ct);

    /// <summary>The release's upload_url is an RFC 6570 template (<c>…/assets{?name,label}</c>); fill in the name only.</summary>
    public static Uri UploadUri(ReleaseInfo release, string name)
    {
        var template = release.UploadUrl;
        var brace = template.IndexOf('{');
        var baseUrl = brace >= 0 ? template[..brace] : template;
        return new Uri($"{baseUrl}?name={Uri.EscapeDataString(name)}");
    }

    private Uri Path(string rest) => new($"repos/{repo.Owner}/{repo.Name}/{rest}", UriKind.Relative);
}
