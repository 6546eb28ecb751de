using Ava.Action.Runner;
using Ava.Compiler.Reporting;

namespace Ava.Action;

/// <summary>
/// The core's progress channel rendered for the Actions log: a top-level section (a pipeline stage) becomes a
/// collapsible ::group::, warnings become ::warning:: annotations. The runner cannot nest groups, so an inner section
/// is a plain heading line. Everything passes through the redactor before it reaches the log.
/// </summary>
public sealed class ActionReporter(ActionCore core, SecretRedactor redactor) : IReporter
{
    private int _depth;

    public void Info(string message) => core.Info(redactor.Redact(message));

    public void Warn(string message) => core.Warning(redactor.Redact(message));

    public IDisposable Section(string title)
    {
        if (_depth++ == 0) core.StartGroup(redactor.Redact(title));
        else core.Info("▸ " + redactor.Redact(title));
        return new End(() =>
        {
            if (--_depth == 0) core.EndGroup();
        });
    }

    public IProgressTask StartTask(string label, long? total = null) => new Task(this, redactor.Redact(label), total);

    private sealed class End(System.Action end) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            end();
        }
    }

    /// <summary>One line per 25 %: a CI log is read afterwards, not watched.</summary>
    private sealed class Task(ActionReporter owner, string label, long? total) : IProgressTask
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _done;
        private long? _total = total;
        private int _lastQuarter;

        public void Advance(long amount)
        {
            _done += amount;
            if (_total is not > 0) return;
            var quarter = (int)Math.Min(4, _done * 4 / _total.Value);
            if (quarter <= _lastQuarter || quarter == 4) return;
            _lastQuarter = quarter;
            owner.Info($"{label}: {quarter * 25}%");
        }

        public void SetTotal(long total) => _total = total;

        public void Dispose() => owner.Info($"{label}: done in {_clock.Elapsed.TotalSeconds:0.0} s");
    }
}
