using Ava.Compiler.Reporting;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// Progress of a fetch, for a person. Calls may come from several download threads at once, so implementations must
/// be thread-safe. The CLI draws bars; the pipeline forwards to its <see cref="IReporter"/>.
/// </summary>
public interface IFetchObserver
{
    /// <summary>The revision is resolved: which files will be checked, and how many bytes at most will be downloaded.</summary>
    void Planned(FetchPlan plan);

    /// <summary>A download (re)starts; the file's progress is now <paramref name="alreadyPresent"/> bytes.</summary>
    void FileStarted(string path, long size, long alreadyPresent);

    /// <summary>Bytes written for a file; negative when a server ignored a resume request and the file starts over.</summary>
    void BytesReceived(string path, long bytes);

    void FileFinished(FetchedFile file);

    /// <summary>Something worth a line: a retry, waiting for another process's lock, a fallback.</summary>
    void Notice(string message);
}

/// <param name="ToDownload">Files not yet in the cache, with their sizes.</param>
public sealed record FetchPlan(RepoId Repo, string Revision, string Commit, int FileCount, IReadOnlyList<(string Path, long Size)> ToDownload)
{
    public long BytesToDownload => ToDownload.Sum(f => f.Size);
}

public sealed class NullFetchObserver : IFetchObserver
{
    public static readonly NullFetchObserver Instance = new();
    public void Planned(FetchPlan plan) { }
    public void FileStarted(string path, long size, long alreadyPresent) { }
    public void BytesReceived(string path, long bytes) { }
    public void FileFinished(FetchedFile file) { }
    public void Notice(string message) { }
}

/// <summary>Forwards fetch progress to the core's one reporting channel: a task per downloaded file, notices as info.</summary>
public sealed class ReporterFetchObserver(IReporter reporter) : IFetchObserver
{
    private readonly Dictionary<string, IProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Planned(FetchPlan plan) =>
        reporter.Info(plan.ToDownload.Count == 0
            ? $"{plan.Repo}@{plan.Revision} ({plan.Commit[..12]}): all {plan.FileCount} files are in the cache"
            : $"{plan.Repo}@{plan.Revision} ({plan.Commit[..12]}): {plan.ToDownload.Count} of {plan.FileCount} files to download ({Download.FreeSpace.Bytes(plan.BytesToDownload)})");

    public void FileStarted(string path, long size, long alreadyPresent)
    {
        lock (_lock)
        {
            if (_tasks.ContainsKey(path)) return;
            var task = reporter.StartTask(path, size);
            if (alreadyPresent > 0) task.Advance(alreadyPresent);
            _tasks[path] = task;
        }
    }

    public void BytesReceived(string path, long bytes)
    {
        lock (_lock)
            if (bytes > 0 && _tasks.TryGetValue(path, out var task)) task.Advance(bytes);
    }

    public void FileFinished(FetchedFile file)
    {
        lock (_lock)
        {
            if (_tasks.Remove(file.Path, out var task)) task.Dispose();
        }
    }

    public void Notice(string message) => reporter.Info(message);
}
