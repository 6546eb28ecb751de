namespace Ava.Compiler.HuggingFace;

/// <summary>
/// The file list of a commit as the Hub gave it, kept beside the cache's snapshot so an offline fetch knows what a
/// complete snapshot holds: without it, a download cut short leaves no trace in <c>snapshots/</c> (the link is made only
/// when the blob is complete) and the cache would look complete. One path per line in
/// <c>models--org--name/.alc/{commit}.files</c>; huggingface_hub's cache scanner reads only blobs/, refs/ and snapshots/,
/// so the folder is invisible to it. A commit's listing never changes, so it is written once.
/// </summary>
internal static class CommitListing
{
    public static string PathOf(HubCache cache, RepoId repo, string commit) => Path.Combine(cache.RepoFolder(repo), ".alc", commit + ".files");

    public static void Write(HubCache cache, RepoId repo, string commit, IEnumerable<string> files)
    {
        var path = PathOf(cache, repo, commit);
        if (File.Exists(path)) return;
        IO.AtomicFile.WriteAllText(path, string.Join("\n", files.Order(StringComparer.Ordinal)) + "\n");
    }

    /// <summary>The listing, or null when this commit was cached by another tool (or an older alc).</summary>
    public static IReadOnlyList<string>? Read(HubCache cache, RepoId repo, string commit)
    {
        var path = PathOf(cache, repo, commit);
        try { return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : null; }
        catch (IOException) { return null; }
    }

    /// <summary>Blobs whose download was cut short (<c>blobs/*.incomplete</c>): never a cached file.</summary>
    public static IReadOnlyList<string> IncompleteBlobs(HubCache cache, RepoId repo)
    {
        var blobs = Path.Combine(cache.RepoFolder(repo), "blobs");
        return Directory.Exists(blobs)
            ? Directory.EnumerateFiles(blobs, "*.incomplete").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }
}
