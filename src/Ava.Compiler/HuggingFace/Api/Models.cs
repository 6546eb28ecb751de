using System.Text.RegularExpressions;

namespace Ava.Compiler.HuggingFace.Api;

/// <summary>Answer of <c>GET /api/models/{repo}/revision/{rev}</c>: the commit a revision points at and its files.</summary>
public sealed record RevisionInfo(string RepoId, string Commit, IReadOnlyList<RepoSibling> Siblings);

/// <summary>One file of a revision. Size and LFS data are present when the listing was asked for with blobs=true.</summary>
public sealed record RepoSibling(string Path, long? Size = null, string? BlobId = null, LfsInfo? Lfs = null);

public sealed record LfsInfo(string Sha256, long Size);

/// <summary>
/// What a HEAD on <c>{endpoint}/{repo}/resolve/{commit}/{path}</c> tells: the commit (X-Repo-Commit), the blob id
/// (X-Linked-Etag, else ETag — the sha256 for LFS files, the git blob id otherwise), the real size (X-Linked-Size,
/// else Content-Length) and where the bytes are (the redirect target for LFS files).
/// </summary>
public sealed partial record FileMetadata(string Commit, string Etag, long Size, Uri DownloadUrl)
{
    /// <summary>LFS files are named by their sha256, so the content can be checked against the name.</summary>
    public string? Sha256 => Sha256Shape().IsMatch(Etag) ? Etag.ToLowerInvariant() : null;

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Shape();
}
