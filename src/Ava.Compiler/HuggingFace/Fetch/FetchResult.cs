namespace Ava.Compiler.HuggingFace;

/// <summary>The outcome of a fetch: the commit the revision resolved to and where each file now is.</summary>
/// <param name="SnapshotFolder">snapshots/{commit} in the cache: the repo's files as a folder tree (links to blobs).</param>
/// <param name="FromCacheOnly">True when no network was used (HF_HUB_OFFLINE, or the Hub unreachable and the cache complete).</param>
public sealed record FetchResult(
    RepoId Repo,
    string Revision,
    string Commit,
    string SnapshotFolder,
    IReadOnlyList<FetchedFile> Files,
    bool FromCacheOnly)
{
    public long BytesTransferred => Files.Sum(f => f.BytesTransferred);

    public long TotalBytes => Files.Sum(f => f.Size);

    public FetchedFile? File(string repoPath) => Files.FirstOrDefault(f => f.Path == repoPath);
}

/// <param name="Path">Path inside the repository, with '/'.</param>
/// <param name="LocalPath">The file in the snapshot folder (a link to <paramref name="BlobPath"/>, or a copy).</param>
/// <param name="Etag">The blob's name: sha256 for LFS files, the git blob id otherwise.</param>
/// <param name="Sha256">Set for LFS files, whose content was checked against it.</param>
/// <param name="BytesTransferred">Bytes that came over the network for this file in this fetch.</param>
public sealed record FetchedFile(
    string Path,
    string LocalPath,
    string BlobPath,
    long Size,
    string? Etag,
    string? Sha256,
    FileStatus Status,
    long BytesTransferred);

public enum FileStatus
{
    /// <summary>Already in the cache; nothing was downloaded.</summary>
    Cached,

    /// <summary>Downloaded whole in this fetch.</summary>
    Downloaded,

    /// <summary>Continued from bytes an earlier, interrupted fetch left behind.</summary>
    Resumed,
}
