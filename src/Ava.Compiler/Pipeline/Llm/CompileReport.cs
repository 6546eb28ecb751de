using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ava.Compiler.IO;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>The compile report (compile-report.json + compile-report.md in the build folder): stages, timings, peak memory, plan, verification.</summary>
public sealed record CompileReport
{
    public string Schema { get; init; } = "alc-compile-report/1";

    public required string AvaName { get; init; }

    public required string Recipe { get; init; }

    public required string Quantization { get; init; }

    public required string ModelLib { get; init; }

    public required double WallSeconds { get; init; }

    public required IReadOnlyList<StageReport> Stages { get; init; }

    public JsonObject? Plan { get; init; }

    public JsonObject? Verification { get; init; }

    public required CompileOutputs Outputs { get; init; }

    public bool DistUpdated { get; init; }

    /// <summary>What this run did to the registry entry; not part of the written report (a rerun would change it).</summary>
    [JsonIgnore]
    public Registry.RegisterResult? Registered { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public void Write(string directory)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "compile-report.json"), JsonSerializer.Serialize(this, Json) + "\n");
        AtomicFile.WriteAllText(Path.Combine(directory, "compile-report.md"), ToMarkdown());
    }

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# alc compile: {AvaName}");
        sb.AppendLine();
        sb.AppendLine(c, $"Recipe `{Recipe}`, quantization `{Quantization}`, model_lib `{ModelLib}`, {WallSeconds:0.0} s in total.");
        sb.AppendLine();
        sb.AppendLine("| stage | status | wall time | peak memory | key |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var s in Stages)
            sb.AppendLine(c, $"| {s.Name} | {(s.Status == StageStatus.Ran ? "ran" : "up to date")} | {s.WallSeconds:0.00} s | {(s.PeakMemoryBytes > 0 ? $"{s.PeakMemoryBytes / (1 << 20)} MiB" : "-")} | `{s.Key[..12]}` |");
        var tools = Stages.SelectMany(s => s.Tools.Select(t => (s.Name, t))).ToList();
        if (tools.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Tools run");
            foreach (var (stage, t) in tools)
                sb.AppendLine(c, $"- {stage}: `{t.Command}` — exit {t.ExitCode}, {t.WallSeconds:0.00} s, peak {t.PeakMemoryBytes / (1 << 20)} MiB");
        }
        if (Plan is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Memory plan");
            sb.AppendLine(c, $"- context window {Plan["contextWindowSize"]}, prefill chunk {Plan["prefillChunkSize"]}");
            sb.AppendLine(c, $"- estimated {Mib(Plan["estimatedVramBytes"])} MiB of a {Mib(Plan["budgetBytes"])} MiB budget: weights {Mib(Plan["weightBytes"])} MiB, KV cache {Mib(Plan["kvCacheBytes"])} MiB (sliding-window layers trimmed: {Mib(Plan["kvCacheSlidingBytes"])} MiB), temporaries {Mib(Plan["temporaryBytes"])} MiB");
            if (Plan["notes"] is JsonArray notes) foreach (var n in notes) sb.AppendLine(c, $"- {n}");
        }
        if (Verification is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Verification");
            sb.AppendLine(c, $"{Verification["verdict"]}: {Verification["generation"]} (ABI profile {Verification["abi"]}, runtime symbols from {string.Join(", ", (Verification["runtimeSources"] as JsonArray)?.Select(x => x?.ToString()) ?? [])}). Full report: `verification-report.md` in the build folder.");
        }
        sb.AppendLine();
        sb.AppendLine("## Outputs");
        sb.AppendLine(c, $"- `{Outputs.ModelDirectory}`");
        sb.AppendLine(c, $"- `{Outputs.Package}` ({Outputs.PackageBytes / (1 << 20)} MiB, sha256 `{Outputs.PackageSha256}`)");
        sb.AppendLine(c, $"- `{Outputs.RegistryEntry}`");
        return sb.ToString();
    }

    private static long Mib(JsonNode? bytes) => bytes is null ? 0 : bytes.GetValue<long>() >> 20;
}

public sealed record StageReport(string Name, StageStatus Status, string Key, double WallSeconds, long PeakMemoryBytes, string? Summary,
    IReadOnlyList<ToolMetrics> Tools, string LogPath);

public sealed record CompileOutputs(string ModelDirectory, string Package, long PackageBytes, string PackageSha256, string RegistryEntry, string BuildDirectory, string Report);
