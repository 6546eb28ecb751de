namespace Ava.Compiler.HuggingFace;

/// <summary>
/// Answers a fetch from the cache alone, the way huggingface_hub does offline: the revision is a commit id or is read
/// from refs/{revision}, and the files are whatever snapshots/{commit} holds.
/// </summary>
internal static class OfflineSnapshot
{
    public static FetchResult Resolve(HubCache cache, FetchRequest request, IReadOnlyList<HubGlob> include, IReadOnlyList<HubGlob> exclude, string why)
    {
        var repo = request.Repo;
        var commit = HubCache.IsCommitHash(request.Revision) ? request.Revision : cache.ReadRef(repo, request.Revision);
        var snapshot = commit is null ? null : cache.SnapshotFolder(repo, commit);
        var required = request.Required.ToList();
        if (snapshot is null || !Directory.Exists(snapshot))
            throw new HubOfflineException(
                $"{Capitalize(why)}, and the cache in {cache.Root} has no snapshot of {repo}@{request.Revision}.",
                Fix(repo, why), required.Count > 0 ? required : ["*"]);

        var present = Directory.EnumerateFiles(snapshot, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(snapshot, p).Replace('\\', '/'))
            .ToList();
        var selected = present.Where(p => HubFetcher.Wanted(request, p, include, exclude)).OrderBy(p => p, StringComparer.Ordinal).ToList();
        // What a complete snapshot would hold: the commit's listing (kept by an online fetch) says which wanted files
        // never arrived; without one, a cut-short blob (blobs/*.incomplete) is proof that something is missing. A file
        // counts only when its pointer leads to a whole blob, never to an .incomplete one.
        var listing = CommitListing.Read(cache, repo, commit!);
        var expected = listing?.Where(p => HubFetcher.Wanted(request, p, include, exclude)) ?? [];
        var missing = required.Where(r => !present.Contains(r))
            .Concat(expected.Where(p => !present.Contains(p)))
            .Concat(selected.Where(p => !File.Exists(cache.PointerPath(repo, commit!, p)) || p.EndsWith(".incomplete", StringComparison.Ordinal)))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (listing is null)
            missing.AddRange(CommitListing.IncompleteBlobs(cache, repo).Select(b => $"the file whose download was cut short (blobs/{b})"));
        if (missing.Count > 0)
            throw new HubOfflineException(
                $"{Capitalize(why)}, and the cached snapshot {commit![..12]} of {repo} lacks {string.Join(", ", missing)}.",
                Fix(repo, why), missing);
        if (selected.Count == 0)
            throw new HubOfflineException(
                $"{Capitalize(why)}, and no cached file of {repo}@{request.Revision} matches {HubFetcher.Describe(include, exclude)}.",
                Fix(repo, why), required.Count > 0 ? required : ["*"]);

        var files = selected.Select(p => Describe(p, cache.PointerPath(repo, commit!, p))).ToList();
        return new FetchResult(repo, request.Revision, commit!, snapshot, files, FromCacheOnly: true);
    }

    /// <summary>A cached snapshot entry: a link to blobs/{etag}, or (where links are impossible) a copy.</summary>
    public static FetchedFile Describe(string repoPath, string pointer)
    {
        var info = new FileInfo(pointer);
        var blob = info.LinkTarget is { } target ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pointer)!, target)) : pointer;
        var etag = info.LinkTarget is null ? null : Path.GetFileName(blob);
        var size = new FileInfo(blob).Length;
        var sha = etag is { Length: 64 } && etag.All(Uri.IsHexDigit) ? etag.ToLowerInvariant() : null;
        return new FetchedFile(repoPath, pointer, blob, size, etag, sha, FileStatus.Cached, 0);
    }

    private static string Fix(RepoId repo, string why) =>
        why.StartsWith("HF_HUB_OFFLINE", StringComparison.Ordinal)
            ? $"Unset HF_HUB_OFFLINE (or set it to 0) and run 'alc fetch {repo}' once with network access, or point HF_HUB_CACHE at a cache that has these files."
            : "Check the network connection and rerun; the missing files need the Hub.";

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
