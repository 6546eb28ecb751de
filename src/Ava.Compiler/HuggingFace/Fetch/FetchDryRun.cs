namespace Ava.Compiler.HuggingFace;

/// <summary>
/// What a fetch would do, decided without downloading or writing anything (huggingface_hub's <c>dry_run=True</c>,
/// whose <c>DryRunFileInfo</c> carries a file's name, size and whether it would be downloaded).
/// </summary>
/// <param name="FromCacheOnly">The answer came from the cache alone (HF_HUB_OFFLINE, or the Hub unreachable).</param>
public sealed record FetchDryRun(RepoId Repo, string Revision, string Commit, IReadOnlyList<DryRunFile> Files, bool FromCacheOnly)
{
    public IEnumerable<DryRunFile> ToDownload => Files.Where(f => f.WillDownload);

    public long BytesToDownload => ToDownload.Sum(f => f.Size);
}

/// <param name="Path">Path inside the repository, with '/'.</param>
/// <param name="Size">Bytes of the file (for LFS files the real size, not the pointer's).</param>
/// <param name="WillDownload">False when the cache already holds the file's blob.</param>
public sealed record DryRunFile(string Path, long Size, bool WillDownload);
