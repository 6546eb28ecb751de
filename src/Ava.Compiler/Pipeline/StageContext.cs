using Ava.Compiler.Processes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Pipeline;

/// <summary>Everything a running stage may use. Outputs go to <see cref="OutputDirectory"/> only.</summary>
public sealed class StageContext
{
    private readonly IReadOnlyDictionary<string, StageRecord> _finished;
    private readonly List<ToolMetrics> _tools = [];

    internal StageContext(string name, string key, string outputDirectory, string logPath, BuildFolder folder,
        IReadOnlyDictionary<string, StageRecord> finished, HashCache hashCache, IReporter reporter, CancellationToken cancellationToken)
    {
        Name = name;
        Key = key;
        OutputDirectory = outputDirectory;
        LogPath = logPath;
        Folder = folder;
        _finished = finished;
        HashCache = hashCache;
        Reporter = reporter;
        CancellationToken = cancellationToken;
    }

    public string Name { get; }

    public string Key { get; }

    /// <summary>A fresh temp folder; renamed to the stage's folder when the stage returns.</summary>
    public string OutputDirectory { get; }

    /// <summary>This stage's log file (kept outside the output folder, so it survives a failure).</summary>
    public string LogPath { get; }

    public BuildFolder Folder { get; }

    public HashCache HashCache { get; }

    public IReporter Reporter { get; }

    public CancellationToken CancellationToken { get; }

    public IReadOnlyList<ToolMetrics> Tools => _tools;

    /// <summary>The finished output folder of a stage this one depends on.</summary>
    public string OutputOf(string stage) => Dependency(stage).Directory;

    /// <summary>The typed result a dependency kept in its stamp (see <see cref="IStage{TResult}"/>).</summary>
    public T ResultOf<T>(StageResult<T> result) where T : class => result.Read(Dependency(result.Stage).Stamp.Data);

    /// <summary>The untyped data a dependency stored in its stamp (see <see cref="StageOutcome.Data"/>).</summary>
    public System.Text.Json.Nodes.JsonObject DataOf(string stage) => Dependency(stage).Stamp.Data ?? [];

    /// <summary>Records an external program run (wall time, peak memory) for the report.</summary>
    public void RecordTool(ToolMetrics run)
    {
        lock (_tools) _tools.Add(run);
    }

    /// <summary>Appends a line to this stage's log.</summary>
    public void Log(string line)
    {
        lock (_tools) File.AppendAllText(LogPath, line + "\n");
    }

    private StageRecord Dependency(string stage) =>
        _finished.TryGetValue(stage, out var r)
            ? r
            : throw new InvalidOperationException($"Stage '{Name}' read the output of '{stage}', which it does not declare in DependsOn.");
}
