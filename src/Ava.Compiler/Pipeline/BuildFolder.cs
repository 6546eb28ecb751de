namespace Ava.Compiler.Pipeline;

/// <summary>
/// The layout of one build folder: <c>stages/&lt;name&gt;/</c> finished outputs, <c>logs/&lt;name&gt;.log</c>,
/// <c>hash-cache.json</c> and the <c>.lock</c> file that keeps two runs apart.
/// </summary>
public sealed class BuildFolder
{
    public BuildFolder(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string StagesDirectory => Path.Combine(Root, "stages");

    public string LogsDirectory => Path.Combine(Root, "logs");

    public string HashCachePath => Path.Combine(Root, "hash-cache.json");

    public string LockPath => Path.Combine(Root, ".lock");

    public string StageDirectory(string stage) => Path.Combine(StagesDirectory, stage);

    public string LogPath(string stage) => Path.Combine(LogsDirectory, stage + ".log");

    /// <summary>Temp folders of runs that were killed: safe to delete while we hold the lock.</summary>
    internal IEnumerable<string> StaleTempDirectories() =>
        Directory.Exists(StagesDirectory)
            ? Directory.EnumerateDirectories(StagesDirectory, ".*.tmp")
            : [];

    internal string NewTempDirectory(string stage)
    {
        var tmp = Path.Combine(StagesDirectory, $".{stage}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(tmp);
        return tmp;
    }
}
