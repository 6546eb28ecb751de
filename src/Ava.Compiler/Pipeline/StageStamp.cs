using Ava.Compiler.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ava.Compiler.Processes;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// The record a finished stage leaves in its output folder (<c>.alc-stage.json</c>). It is written into the temp
/// folder before the rename, so a stage folder with a stamp is always complete.
/// </summary>
public sealed record StageStamp
{
    public const string FileName = ".alc-stage.json";

    public required string Stage { get; init; }

    public required string Key { get; init; }

    public required DateTimeOffset FinishedUtc { get; init; }

    public required double WallSeconds { get; init; }

    public string? Summary { get; init; }

    public IReadOnlyList<ToolMetrics> Tools { get; init => field = value ?? []; } = [];

    /// <summary>Every output file with its size: a skipped stage is rerun when one is missing or resized.</summary>
    public IReadOnlyList<StampFile> Files { get; init => field = value ?? []; } = [];

    public JsonObject? Data { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = StageStampJsonContext.Default,
    };

    public static StageStamp? TryRead(string stageDirectory)
    {
        var path = Path.Combine(stageDirectory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), Json.TypeInfo<StageStamp>()) : null;
        }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
    }

    /// <summary>True when every recorded file is still there with its recorded size (a stat per file, no reading).</summary>
    public bool OutputsIntact(string stageDirectory) =>
        Files.All(f =>
        {
            var info = new FileInfo(Path.Combine(stageDirectory, f.Path));
            return info.Exists && info.Length == f.Size;
        });
}

public sealed record StampFile(string Path, long Size);

/// <summary>A stage as it stands after a run or a skip.</summary>
public sealed record StageRecord(string Name, string Key, StageStatus Status, string Directory, StageStamp Stamp);

public enum StageStatus
{
    Ran,
    Skipped,
}

/// <summary>Compile-time JSON metadata of the stage stamp (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(StageStamp))]
internal sealed partial class StageStampJsonContext : JsonSerializerContext;
