using System.Collections.Concurrent;
using System.Diagnostics;
using Ava.Cli.CommandLine;
using Ava.Compiler.HuggingFace;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>
/// How a fetch looks to a person on stderr: redrawn bars (per file and overall, with bytes, rate and ETA) on a
/// terminal, one plain line per file otherwise (CI=true, pipes, tests), so logs stay short.
/// </summary>
public abstract class FetchProgressView : IFetchObserver
{
    public static FetchProgressView Create(CliContext context) =>
        context.ErrIsTerminal && !context.IsCi ? new Live(context) : new Plain(context.Err);

    /// <summary>Runs the fetch while the view is showing.</summary>
    public abstract Task<T> RunAsync<T>(Func<Task<T>> fetch);

    public abstract void Planned(FetchPlan plan);

    public abstract void FileStarted(string path, long size, long alreadyPresent);

    public abstract void BytesReceived(string path, long bytes);

    public abstract void FileFinished(FetchedFile file);

    public abstract void Notice(string message);

    internal static string Describe(FetchedFile f, TimeSpan? took) => f.Status switch
    {
        FileStatus.Cached => $"cached      {f.Path} ({ConsoleReporter.Bytes(f.Size)})",
        _ => $"{(f.Status == FileStatus.Resumed ? "resumed   " : "downloaded")}  {f.Path} ({ConsoleReporter.Bytes(f.Size)}" +
             (f.Status == FileStatus.Resumed ? $", {ConsoleReporter.Bytes(f.BytesTransferred)} fetched, the rest kept from before" : "") +
             (took is { TotalSeconds: > 0.05 } t ? $" in {t.TotalSeconds:0.0} s, {ConsoleReporter.Bytes((long)(f.BytesTransferred / t.TotalSeconds))}/s)" : ")"),
    };

    /// <summary>Plain lines, never wrapped, so paths in logs stay copyable.</summary>
    private sealed class Plain(TextWriter err) : FetchProgressView
    {
        private readonly ConcurrentDictionary<string, long> _started = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public override Task<T> RunAsync<T>(Func<Task<T>> fetch) => fetch();

        public override void Planned(FetchPlan plan) =>
            Line(plan.ToDownload.Count == 0
                ? $"{plan.Repo}@{plan.Revision} (commit {plan.Commit[..12]}): all {plan.FileCount} files are in the cache"
                : $"{plan.Repo}@{plan.Revision} (commit {plan.Commit[..12]}): {plan.ToDownload.Count} of {plan.FileCount} files to download, {ConsoleReporter.Bytes(plan.BytesToDownload)}");

        public override void FileStarted(string path, long size, long alreadyPresent) => _started.TryAdd(path, Stopwatch.GetTimestamp());

        public override void BytesReceived(string path, long bytes) { }

        public override void FileFinished(FetchedFile file) =>
            Line("  " + Describe(file, _started.TryRemove(file.Path, out var t) ? Stopwatch.GetElapsedTime(t) : null));

        public override void Notice(string message) => Line("  note: " + message);

        private void Line(string text)
        {
            lock (_lock) err.WriteLine(text);
        }
    }

    private sealed class Live : FetchProgressView
    {
        private readonly IAnsiConsole _console;
        private readonly ConcurrentDictionary<string, (ProgressTask Task, long Start)> _files = new(StringComparer.Ordinal);
        private ProgressContext? _progress;
        private ProgressTask? _total;

        public Live(CliContext context)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(context.Err),
                Ansi = AnsiSupport.Yes,
                ColorSystem = context.NoColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Yes,
            });
            try { _console.Profile.Width = Math.Max(60, Console.WindowWidth); } catch (IOException) { }
        }

        public override async Task<T> RunAsync<T>(Func<Task<T>> fetch)
        {
            T result = default!;
            await _console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    _progress = ctx;
                    result = await fetch();
                });
            return result;
        }

        public override void Planned(FetchPlan plan)
        {
            _console.MarkupLine(Markup.Escape($"{plan.Repo}@{plan.Revision} (commit {plan.Commit[..12]}): {plan.ToDownload.Count} of {plan.FileCount} files to download"));
            if (plan.ToDownload.Count > 0)
                _total = _progress?.AddTask("[bold]total[/]", maxValue: Math.Max(1, plan.BytesToDownload));
        }

        public override void FileStarted(string path, long size, long alreadyPresent)
        {
            if (_progress is null) return;
            var entry = _files.GetOrAdd(path, p => (_progress.AddTask(Markup.Escape(Shorten(p)), maxValue: Math.Max(1, size)), alreadyPresent));
            var delta = alreadyPresent - entry.Task.Value;
            entry.Task.Increment(delta);
            _total?.Increment(delta);
        }

        public override void BytesReceived(string path, long bytes)
        {
            if (_files.TryGetValue(path, out var entry)) entry.Task.Increment(bytes);
            _total?.Increment(bytes);
        }

        public override void FileFinished(FetchedFile file)
        {
            if (_files.TryGetValue(file.Path, out var entry))
            {
                entry.Task.Value = entry.Task.MaxValue;
                entry.Task.StopTask();
            }
            if (_total is not null && _files.Values.All(e => e.Task.IsFinished) && _total.Value >= _total.MaxValue) _total.StopTask();
        }

        public override void Notice(string message) => _console.MarkupLine($"[yellow]note:[/] {Markup.Escape(message)}");

        private static string Shorten(string path) => path.Length <= 40 ? path : "…" + path[^39..];
    }
}
