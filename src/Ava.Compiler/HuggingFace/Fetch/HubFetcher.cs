using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace.Api;
using Ava.Compiler.HuggingFace.Download;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// The library entry point: brings the files of a Hub repository at a revision into the shared Hugging Face cache
/// and says where they are. Files already cached are never downloaded again; partial downloads resume; LFS files are
/// checked against their sha256; with HF_HUB_OFFLINE everything comes from the cache.
/// <code>
/// using var fetcher = new HubFetcher(HubEnvironment.FromEnvironment(env), observer);
/// var result = await fetcher.FetchAsync(FetchRequest.For("google/gemma-3-1b-it").WithInclude("*.json", "*.safetensors"));
/// // result.Commit, result.SnapshotFolder, result.Files[i].LocalPath
/// </code>
/// </summary>
public sealed class HubFetcher : IDisposable
{
    private readonly IFetchObserver _observer;
    private readonly Lazy<HubHttp> _http;

    public HubFetcher(HubOptions options, IFetchObserver? observer = null)
    {
        Options = options;
        Cache = new HubCache(options.CacheDirectory);
        _observer = observer ?? NullFetchObserver.Instance;
        _http = new Lazy<HubHttp>(() => new HubHttp(options));
    }

    public HubOptions Options { get; }

    public HubCache Cache { get; }

    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        var include = request.Include.Select(p => new HubGlob(p)).ToList();
        var exclude = request.Exclude.Select(p => new HubGlob(p)).ToList();
        var (info, cached, unreachable) = await RevisionOrCacheAsync(request, include, exclude, cancellationToken);
        if (cached is not null)
        {
            if (unreachable is not null)
                _observer.Notice($"{unreachable} Using the cached snapshot {cached.Commit[..12]} of {request.Repo}@{request.Revision}.");
            return Reported(cached);
        }

        var commit = info!.Commit;
        Cache.WriteRef(request.Repo, request.Revision, commit);
        var selected = Select(request, info, include, exclude);
        CommitListing.Write(Cache, request.Repo, commit, info.Siblings.Select(x => x.Path));
        return await FetchFilesAsync(request, commit, selected, cancellationToken);
    }

    /// <summary>
    /// The revision from the Hub, or the cached snapshot when HF_HUB_OFFLINE is set or the Hub cannot be reached
    /// (huggingface_hub falls back to the cache then; alc does the same, but only when the cache holds everything
    /// asked for). <c>Unreachable</c> is why the Hub was not used when it should have been.
    /// </summary>
    private async Task<(RevisionInfo? Info, FetchResult? Cached, string? Unreachable)> RevisionOrCacheAsync(FetchRequest request,
        IReadOnlyList<HubGlob> include, IReadOnlyList<HubGlob> exclude, CancellationToken cancellationToken)
    {
        if (Options.Offline) return (null, OfflineSnapshot.Resolve(Cache, request, include, exclude, "HF_HUB_OFFLINE is set"), null);
        try
        {
            return (await new RepoApiClient(_http.Value).GetRevisionAsync(request.Repo, request.Revision, cancellationToken), null, null);
        }
        catch (HubUnavailableException unreachable)
        {
            FetchResult cached;
            try { cached = OfflineSnapshot.Resolve(Cache, request, include, exclude, "the Hub could not be reached"); }
            catch (HubOfflineException) { throw unreachable; }
            return (null, cached, unreachable.Problem);
        }
    }

    /// <summary>
    /// The dry run: which files the request selects, their sizes (from the revision listing, asked with blobs=true) and
    /// which are not in the cache yet. Writes nothing, not even refs/ or the commit listing.
    /// </summary>
    public async Task<FetchDryRun> PlanAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        var include = request.Include.Select(p => new HubGlob(p)).ToList();
        var exclude = request.Exclude.Select(p => new HubGlob(p)).ToList();
        var (revision, snapshot, _) = await RevisionOrCacheAsync(request, include, exclude, cancellationToken);
        if (snapshot is not null) return FromCache(snapshot);
        var info = revision!;
        var files = Select(request, info, include, exclude).Select(s =>
        {
            var etag = s.Lfs?.Sha256 ?? s.BlobId;
            var cached = File.Exists(Cache.PointerPath(request.Repo, info.Commit, s.Path)) ||
                         (etag is not null && File.Exists(Cache.BlobPath(request.Repo, etag)));
            return new DryRunFile(s.Path, s.Lfs?.Size ?? s.Size ?? 0, !cached);
        }).ToList();
        return new FetchDryRun(request.Repo, request.Revision, info.Commit, files, FromCacheOnly: false);

        static FetchDryRun FromCache(FetchResult r) =>
            new(r.Repo, r.Revision, r.Commit, r.Files.Select(f => new DryRunFile(f.Path, f.Size, false)).ToList(), FromCacheOnly: true);
    }

    /// <summary>A result served from the cache alone still shows its files the way a download does.</summary>
    private FetchResult Reported(FetchResult cached)
    {
        _observer.Planned(new FetchPlan(cached.Repo, cached.Revision, cached.Commit, cached.Files.Count, []));
        foreach (var file in cached.Files) _observer.FileFinished(file);
        return cached;
    }

    private static List<RepoSibling> Select(FetchRequest request, RevisionInfo info, List<HubGlob> include, List<HubGlob> exclude)
    {
        var missing = request.Required.Where(r => !info.Siblings.Any(s => s.Path == r)).ToList();
        if (missing.Count > 0)
            throw new HubNotFoundException(
                $"{request.Repo} at {request.Revision} ({info.Commit[..12]}) has no file named {string.Join(", ", missing)}.",
                $"Check the file names at {request.Repo.WebUrl}/tree/{request.Revision} and fix the file patterns{Remedy.Of(UserInput.Include)} or the recipe's file list.");
        var selected = info.Siblings.Where(s => Wanted(request, s.Path, include, exclude)).ToList();
        if (selected.Count == 0)
            throw new HubNotFoundException(
                $"No file of {request.Repo} at {request.Revision} matches {Describe(include, exclude)}.",
                $"See the files at {request.Repo.WebUrl}/tree/{request.Revision} and adjust the file patterns{Remedy.Of(UserInput.Include)}.");
        return selected;
    }

    /// <summary>
    /// Required files always; otherwise what matches an include (everything when there are neither includes nor
    /// required files) and no exclude.
    /// </summary>
    internal static bool Wanted(FetchRequest request, string path, IReadOnlyList<HubGlob> include, IReadOnlyList<HubGlob> exclude) =>
        request.Required.Contains(path) ||
        ((include.Count > 0 ? include.Any(g => g.Matches(path)) : request.Required.Count == 0) && !exclude.Any(g => g.Matches(path)));

    internal static string Describe(IReadOnlyList<HubGlob> include, IReadOnlyList<HubGlob> exclude) =>
        (include.Count == 0 ? "every file" : "the files matching " + string.Join(" ", include.Select(g => g.Pattern))) +
        (exclude.Count == 0 ? "" : " except those matching " + string.Join(" ", exclude.Select(g => g.Pattern)));

    private async Task<FetchResult> FetchFilesAsync(FetchRequest request, string commit, List<RepoSibling> selected, CancellationToken cancellationToken)
    {
        var repo = request.Repo;
        var http = _http.Value;
        var resolve = new ResolveClient(http);
        var results = new Dictionary<string, FetchedFile>(StringComparer.Ordinal);
        var pending = new List<(string Path, FileMetadata Meta)>();

        foreach (var sibling in selected)
        {
            var pointer = Cache.PointerPath(repo, commit, sibling.Path);
            if (File.Exists(pointer))
            {
                results[sibling.Path] = OfflineSnapshot.Describe(sibling.Path, pointer);
                continue;
            }
            var meta = await resolve.GetMetadataAsync(repo, commit, sibling.Path, cancellationToken);
            if (File.Exists(Cache.BlobPath(repo, meta.Etag))) pending.Insert(0, (sibling.Path, meta));
            else pending.Add((sibling.Path, meta));
        }

        var toDownload = pending.Where(p => !File.Exists(Cache.BlobPath(repo, p.Meta.Etag))).ToList();
        _observer.Planned(new FetchPlan(repo, request.Revision, commit, selected.Count, toDownload.Select(p => (p.Path, p.Meta.Size)).ToList()));
        CheckFreeSpace(repo, toDownload);

        // huggingface_hub's cache scanner takes a repo folder without snapshots/ for a corrupted one, and it makes the
        // folder before downloading; do the same so an interrupted first fetch leaves a cache it still accepts.
        Directory.CreateDirectory(Cache.SnapshotFolder(repo, commit));
        var downloader = new BlobDownloader(http, resolve, Cache);
        foreach (var sibling in selected)
            if (results.TryGetValue(sibling.Path, out var cached)) _observer.FileFinished(cached);
        foreach (var (path, meta) in pending)
        {
            var blob = Cache.BlobPath(repo, meta.Etag);
            var pointer = Cache.PointerPath(repo, commit, path);
            TransferOutcome? outcome = null;
            using (await CacheLock.AcquireAsync(Cache.LockPath(repo, meta.Etag),
                       () => _observer.Notice($"Waiting for another process that is downloading {path} into the same cache..."), cancellationToken))
            {
                if (!File.Exists(blob)) outcome = await downloader.DownloadAsync(repo, commit, path, meta, _observer, cancellationToken);
                Cache.LinkPointer(blob, pointer);
            }
            var status = outcome is null ? FileStatus.Cached : outcome.ResumedFrom > 0 ? FileStatus.Resumed : FileStatus.Downloaded;
            var file = new FetchedFile(path, pointer, blob, meta.Size, meta.Etag, meta.Sha256, status, outcome?.BytesTransferred ?? 0);
            results[path] = file;
            _observer.FileFinished(file);
        }

        return new FetchResult(repo, request.Revision, commit, Cache.SnapshotFolder(repo, commit),
            selected.Select(s => results[s.Path]).ToList(), FromCacheOnly: false);
    }

    /// <summary>Fails before downloading anything when the disk cannot hold what is left to fetch.</summary>
    private void CheckFreeSpace(RepoId repo, List<(string Path, FileMetadata Meta)> toDownload)
    {
        var needed = toDownload.Sum(p =>
        {
            var partial = new FileInfo(Cache.IncompletePath(repo, p.Meta.Etag));
            var kept = partial.Exists && !File.Exists(Cache.PartsPath(repo, p.Meta.Etag)) ? Math.Min(partial.Length, p.Meta.Size) : 0;
            return p.Meta.Size - kept;
        });
        if (needed == 0) return;
        if (FreeSpace.Of(Cache.Root) is { } free && free < needed)
            throw FreeSpace.Exhausted(Cache.Root, needed, free, "Nothing was downloaded.");
    }

    public void Dispose()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
    }
}
