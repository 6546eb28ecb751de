using Ava.Compiler.Reporting;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>
/// Renders core progress for a person on stderr. In CI (or when stderr is not a terminal) it prints one plain line
/// per event instead of redrawing bars, so logs stay readable.
/// </summary>
public sealed class ConsoleReporter(IAnsiConsole console, bool plain) : IReporter
{
    public void Info(string message) => console.MarkupLine(Markup.Escape(message));

    public void Warn(string message) => console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    public IDisposable Section(string title)
    {
        console.MarkupLine($"[bold]▸ {Markup.Escape(title)}[/]");
        return new Ended(() => { });
    }

    public IProgressTask StartTask(string label, long? total = null) => new LineTask(console, label, total, plain);

    private sealed class Ended(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    /// <summary>Reports at most every 10 % so a multi-gigabyte transfer does not flood the log.</summary>
    private sealed class LineTask(IAnsiConsole console, string label, long? total, bool plain) : IProgressTask
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _done;
        private long? _total = total;
        private int _lastDecile = -1;

        public void Advance(long amount)
        {
            _done += amount;
            if (plain || _total is not > 0) return;
            var decile = (int)Math.Min(10, _done * 10 / _total.Value);
            if (decile == _lastDecile) return;
            _lastDecile = decile;
            console.MarkupLine($"  {Markup.Escape(label)}: {decile * 10}% ({Bytes(_done)} of {Bytes(_total.Value)}, {Rate()})");
        }

        public void SetTotal(long total) => _total = total;

        public void Dispose() =>
            console.MarkupLine($"  {Markup.Escape(label)}: done{(_done > 0 ? $", {Bytes(_done)}" : "")} in {_clock.Elapsed.TotalSeconds:0.0} s");

        private string Rate() => _clock.Elapsed.TotalSeconds > 0 ? $"{Bytes((long)(_done / _clock.Elapsed.TotalSeconds))}/s" : "";
    }

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / 1024.0:0.0} KiB",
        _ => $"{n} B",
    };
}
