using System.Text.RegularExpressions;
using Ava.Compiler.IO;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// The on-disk layout of huggingface_hub's cache, so files fetched here are found by Python tools and vice versa:
/// <code>
/// {cache}/models--{org}--{name}/blobs/{etag}                 file contents, named by sha256 (LFS) or git blob id
/// {cache}/models--{org}--{name}/blobs/{etag}.incomplete      a download in progress
/// {cache}/models--{org}--{name}/snapshots/{commit}/{path}    relative symlink to ../../blobs/{etag} (a copy where links fail)
/// {cache}/models--{org}--{name}/refs/{revision}              the commit a branch or tag pointed at
/// {cache}/.locks/models--{org}--{name}/{etag}.lock           held while one process writes that blob
/// </code>
/// </summary>
public sealed partial class HubCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string RepoFolder(RepoId repo) => Path.Combine(Root, repo.CacheFolderName);

    public string BlobPath(RepoId repo, string etag) => Path.Combine(RepoFolder(repo), "blobs", etag);

    public string IncompletePath(RepoId repo, string etag) => BlobPath(repo, etag) + ".incomplete";

    /// <summary>Progress of a parallel download: which bytes of the .incomplete file are already written.</summary>
    public string PartsPath(RepoId repo, string etag) => BlobPath(repo, etag) + ".incomplete.parts";

    public string SnapshotFolder(RepoId repo, string commit) => Path.Combine(RepoFolder(repo), "snapshots", commit);

    public string LockPath(RepoId repo, string etag) => Path.Combine(Root, ".locks", repo.CacheFolderName, etag + ".lock");

    /// <summary>Where a repo file appears in a snapshot; refuses paths that would land outside it.</summary>
    public string PointerPath(RepoId repo, string commit, string repoPath)
    {
        if (!IsSafeRepoPath(repoPath))
            throw new HubProtocolException($"The Hub listed a file named '{repoPath}', which would land outside the cache.",
                "Check HF_ENDPOINT: a real Hub never lists such names.");
        return Path.Combine([SnapshotFolder(repo, commit), .. repoPath.Split('/')]);
    }

    public string RefPath(RepoId repo, string revision) => Path.Combine([RepoFolder(repo), "refs", .. revision.Split('/')]);

    public string? ReadRef(RepoId repo, string revision)
    {
        var path = RefPath(repo, revision);
        if (!File.Exists(path)) return null;
        var commit = File.ReadAllText(path).Trim();
        return IsCommitHash(commit) ? commit : null;
    }

    /// <summary>Records which commit a branch or tag names; a commit id needs no ref. Readers never see half a file.</summary>
    public void WriteRef(RepoId repo, string revision, string commit)
    {
        if (string.Equals(revision, commit, StringComparison.OrdinalIgnoreCase)) return;
        if (ReadRef(repo, revision) == commit) return;
        // Temp file + rename like huggingface_hub, without fsync: a ref is a hint that the next fetch re-checks, and an
        // fsync right after gigabytes of downloads can stall for seconds on a busy disk.
        var path = RefPath(repo, revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = AtomicFile.TempPathBeside(path);
        File.WriteAllText(tmp, commit);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Makes the snapshot entry point at the blob with a relative link ("../../blobs/x", one more "../" per folder), so
    /// the cache keeps working when moved. Where links cannot be made the blob is copied, as huggingface_hub does.
    /// </summary>
    public PointerKind LinkPointer(string blobPath, string pointerPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(pointerPath)!);
        var target = Path.GetRelativePath(Path.GetDirectoryName(pointerPath)!, blobPath);
        var existing = new FileInfo(pointerPath);
        if (existing.LinkTarget == target) return PointerKind.Symlink;
        if (existing.Exists || existing.LinkTarget is not null) existing.Delete();
        try
        {
            File.CreateSymbolicLink(pointerPath, target);
            return PointerKind.Symlink;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            if (File.Exists(pointerPath)) return PointerKind.Symlink; // another process linked it between our delete and create
            AtomicFile.Write(pointerPath, s => { using var src = File.OpenRead(blobPath); src.CopyTo(s); });
            return PointerKind.Copy;
        }
    }

    public static bool IsCommitHash(string text) => CommitShape().IsMatch(text);

    public static bool IsSafeRepoPath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains('\0') &&
        path.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitShape();
}

public enum PointerKind
{
    Symlink,
    Copy,
}
