using Ava.Compiler.Processes;
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

    /// <summary>The package proof's memory from the library's metadata beside the planner's figure (package stage data).</summary>
    public JsonObject? Memory { get; init; }

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

    /// <summary>
    /// Writes compile-report.json and .md. The files name folders by placeholder (<paramref name="folders"/>: e.g. the
    /// build folder as <c>$BUILD</c>) and stage temp folders by their final names, so the same build in another folder
    /// writes the same bytes apart from the timing fields (<see cref="Reporting.ReportTimings"/>).
    /// </summary>
    public void Write(string directory, IReadOnlyList<(string Folder, string Placeholder)> folders)
    {
        var portable = Portable(folders);
        AtomicFile.WriteAllText(Path.Combine(directory, "compile-report.json"), JsonSerializer.Serialize(portable, Json) + "\n");
        AtomicFile.WriteAllText(Path.Combine(directory, "compile-report.md"), portable.ToMarkdown());
    }

    /// <summary>A copy whose paths name <paramref name="folders"/> by placeholder, longest folder first.</summary>
    public CompileReport Portable(IReadOnlyList<(string Folder, string Placeholder)> folders)
    {
        var ordered = folders.Where(f => f.Folder.Length > 0)
            .Select(f => (Folder: Path.TrimEndingDirectorySeparator(Path.GetFullPath(f.Folder)), f.Placeholder))
            .OrderByDescending(f => f.Folder.Length).ToList();
        string P(string text)
        {
            text = Pipeline.BuildFolder.WithFinalNames(text);
            foreach (var (folder, placeholder) in ordered) text = text.Replace(folder, placeholder, StringComparison.Ordinal);
            return text;
        }
        string? PN(string? text) => text is null ? null : P(text);
        return this with
        {
            Stages = Stages.Select(s => s with
            {
                Summary = PN(s.Summary),
                LogPath = P(s.LogPath),
                Tools = s.Tools.Select(t => t with { Command = P(t.Command), LogPath = PN(t.LogPath) }).ToList(),
            }).ToList(),
            Outputs = new CompileOutputs(P(Outputs.ModelDirectory), P(Outputs.Package), Outputs.PackageBytes, Outputs.PackageSha256,
                P(Outputs.RegistryEntry), P(Outputs.BuildDirectory), P(Outputs.Report)),
        };
    }

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# alc compile: {AvaName}");
        sb.AppendLine();
        sb.AppendLine(c, $"Recipe `{Recipe}`, quantization `{Quantization}`, model_lib `{ModelLib}`.");
        sb.AppendLine();
        sb.AppendLine("| stage | status | key | summary |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var s in Stages)
            sb.AppendLine(c, $"| {s.Name} | {(s.Status == StageStatus.Ran ? "ran" : "up to date")} | `{s.Key[..12]}` | {(s.Summary ?? "").Replace("|", "\\|")} |");
        var tools = Stages.SelectMany(s => s.Tools.Select(t => (s.Name, t))).ToList();
        if (tools.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Tools run");
            foreach (var (stage, t) in tools)
                sb.AppendLine(c, $"- {stage}: `{t.Command}` — exit {t.ExitCode}");
        }
        if (Plan is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Memory plan");
            sb.AppendLine(c, $"- context window {Plan["contextWindowSize"]}, prefill chunk {Plan["prefillChunkSize"]}");
            sb.AppendLine(c, $"- estimated {Mib(Plan["estimatedVramBytes"])} MiB of a {Mib(Plan["budgetBytes"])} MiB budget: weights {Mib(Plan["weightBytes"])} MiB, KV cache {Mib(Plan["kvCacheBytes"])} MiB (sliding-window layers trimmed: {Mib(Plan["kvCacheSlidingBytes"])} MiB), temporaries {Mib(Plan["temporaryBytes"])} MiB");
            if (Plan["notes"] is JsonArray notes) foreach (var n in notes) sb.AppendLine(c, $"- {n}");
        }
        if (Memory is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Memory from the library's metadata (estimated_vram_bytes)");
            sb.AppendLine(c, $"- {Mib(Memory["estimatedVramBytes"])} MiB: parameters {Mib(Memory["paramBytes"])} MiB, largest temporary buffer {Mib(Memory["temporaryBytes"])} MiB ({Memory["temporaryFunction"]}), KV cache {Mib(Memory["kvCacheBytes"])} MiB for {Memory["kvTokens"]} tokens");
            sb.AppendLine(c, $"- planner before compiling: {Mib(Memory["plannedVramBytes"])} MiB; difference {Mib(Memory["differenceBytes"])} MiB (metadata minus plan)");
        }
        if (Verification is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Verification");
            sb.AppendLine(c, $"{Verification["verdict"]}: {Verification["generation"]} (ABI profile {Verification["abi"]}, runtime symbols from {string.Join(", ", (Verification["runtimeSources"] as JsonArray)?.Select(x => x?.ToString()) ?? [])}). Full report: `verification-report.md` in the build folder.");
            if (Verification["linkProof"] is JsonObject link)
                sb.AppendLine(c, $"Link proof: {(link["performed"]?.GetValue<bool>() == true ? $"{link["note"]} Linker {link["linker"]}{(link["ndkRevision"] is { } rev ? $" (NDK {rev})" : "")}." : link["note"])}");
        }
        sb.AppendLine();
        sb.AppendLine("## Outputs");
        sb.AppendLine(c, $"- `{Outputs.ModelDirectory}`");
        sb.AppendLine(c, $"- `{Outputs.Package}` ({Outputs.PackageBytes / (1 << 20)} MiB, sha256 `{Outputs.PackageSha256}`)");
        sb.AppendLine(c, $"- `{Outputs.RegistryEntry}`");
        // Every timing in one last section, which ReportTimings.Normalize drops when builds are compared.
        sb.AppendLine();
        sb.AppendLine(Reporting.ReportTimings.MarkdownSection);
        sb.AppendLine();
        sb.AppendLine(c, $"{WallSeconds:0.0} s in total.");
        sb.AppendLine();
        sb.AppendLine("| stage | wall time | peak memory |");
        sb.AppendLine("|---|---|---|");
        foreach (var s in Stages)
            sb.AppendLine(c, $"| {s.Name} | {s.WallSeconds:0.00} s | {(s.PeakMemoryBytes > 0 ? $"{s.PeakMemoryBytes / (1 << 20)} MiB" : "-")} |");
        foreach (var (stage, t) in tools)
            sb.AppendLine(c, $"- {stage} tool: {t.WallSeconds:0.00} s, peak {t.PeakMemoryBytes / (1 << 20)} MiB");
        return sb.ToString();
    }

    private static long Mib(JsonNode? bytes) => bytes is null ? 0 : bytes.GetValue<long>() >> 20;
}

public sealed record StageReport(string Name, StageStatus Status, string Key, double WallSeconds, long PeakMemoryBytes, string? Summary,
    IReadOnlyList<ToolMetrics> Tools, string LogPath);

public sealed record CompileOutputs(string ModelDirectory, string Package, long PackageBytes, string PackageSha256, string RegistryEntry, string BuildDirectory, string Report);
