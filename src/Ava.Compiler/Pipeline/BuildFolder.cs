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

    /// <summary>
    /// A stage's temp folder name (<c>.convert.&lt;guid&gt;.tmp</c>) inside a path, e.g. a recorded tool command; the
    /// folder becomes <c>stages/&lt;stage&gt;</c> when the stage finishes, which <see cref="WithFinalNames"/> writes instead.
    /// </summary>
    private static readonly System.Text.RegularExpressions.Regex TempName =
        new(@"(?<=[/\\])\.(?<stage>[A-Za-z0-9_-]+)\.[0-9a-f]{32}\.tmp", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary><paramref name="text"/> with every stage temp folder named by the stage folder it is renamed to.</summary>
    public static string WithFinalNames(string text) => TempName.Replace(text, "${stage}");

    internal string NewTempDirectory(string stage)
    {
        var tmp = Path.Combine(StagesDirectory, $".{stage}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(tmp);
        return tmp;
    }
}
