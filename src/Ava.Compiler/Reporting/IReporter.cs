namespace Ava.Compiler.Reporting;

/// <summary>
/// The one channel through which the core tells a person what is happening. The CLI renders it with
/// Spectre.Console on stderr, the Action as ::group:: blocks; tests collect it. The core never writes to a console.
/// </summary>
public interface IReporter
{
    void Info(string message);

    void Warn(string message);

    /// <summary>A named section, e.g. one pipeline stage; disposing ends it.</summary>
    IDisposable Section(string title);

    /// <summary>A unit of work with an optional known size (bytes, files...).</summary>
    IProgressTask StartTask(string label, long? total = null);
}

public interface IProgressTask : IDisposable
{
    void Advance(long amount);

    void SetTotal(long total);
}

/// <summary>Discards everything: for library callers that want no output.</summary>
public sealed class NullReporter : IReporter
{
    public static readonly NullReporter Instance = new();

    public void Info(string message) { }

    public void Warn(string message) { }

    public IDisposable Section(string title) => NullTask.Instance;

    public IProgressTask StartTask(string label, long? total = null) => NullTask.Instance;

    private sealed class NullTask : IProgressTask
    {
        public static readonly NullTask Instance = new();
        public void Advance(long amount) { }
        public void SetTotal(long total) { }
        public void Dispose() { }
    }
}
