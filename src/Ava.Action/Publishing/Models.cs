namespace Ava.Action.Publishing;

// Response models read with Octokit's serializer (snake_case → PascalCase). Our own rather than Octokit's Release and
// ReleaseAsset because those lack the asset "digest" that tells us whether an upload would change anything.

public sealed class ReleaseInfo
{
    public long Id { get; set; }
    public string TagName { get; set; } = "";
    public string Name { get; set; } = "";
    public string HtmlUrl { get; set; } = "";
    public string UploadUrl { get; set; } = "";
    public bool Draft { get; set; }
    public List<AssetInfo> Assets { get; set; } = [];
}

public sealed class AssetInfo
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Label { get; set; }
    public string State { get; set; } = "";
    public long Size { get; set; }

    /// <summary>"sha256:&lt;hex&gt;" on github.com since 2025; absent on older servers and in old recordings.</summary>
    public string? Digest { get; set; }

    public string Url { get; set; } = "";
    public string BrowserDownloadUrl { get; set; } = "";
}

/// <summary>What to create when the tag has no release yet.</summary>
public sealed record ReleaseRequest(string Tag, string Name, string Body, string? TargetCommitish = null, bool Draft = false, bool Prerelease = false)
{
    public static ReleaseRequest ForTag(string tag) => new(tag, tag, "");

    public ReleaseRequest WithName(string name) => this with { Name = name };

    public ReleaseRequest WithBody(string body) => this with { Body = body };

    public ReleaseRequest WithTarget(string? commitish) => this with { TargetCommitish = commitish };
}

public enum AssetOutcome
{
    Uploaded,
    Replaced,
    Unchanged,
}

/// <summary>A file to put on the release, under <paramref name="Name"/>.</summary>
public sealed record ReleaseFile(string Path, string Name);

public sealed record AssetPublication(string Name, string Sha256, long Size, AssetOutcome Outcome, string DownloadUrl, long AssetId);

public enum FileOutcome
{
    Created,
    Updated,
    Unchanged,
}

public sealed record FileCommit(string Path, string Branch, FileOutcome Outcome, string? BlobSha, string? CommitSha, int Attempts);
