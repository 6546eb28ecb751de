using Ava.Compiler.Processes;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ava.Compiler.Packaging;
using Ava.Compiler.Planning;
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

    /// <summary>The configure stage's memory plan, written as its stamp holds it (nulls kept).</summary>
    [JsonConverter(typeof(StampContract<MemoryPlan>))]
    public MemoryPlan? Plan { get; init; }

    /// <summary>The verify stage's verdict, written as its stamp holds it (nulls kept).</summary>
    [JsonConverter(typeof(StampContract<LlmVerificationSummary>))]
    public LlmVerificationSummary? Verification { get; init; }

    /// <summary>The package proof's memory from the library's metadata beside the planner's figure (package stage data).</summary>
    [JsonConverter(typeof(StampContract<PackageMemory>))]
    public PackageMemory? Memory { get; init; }

    public required CompileOutputs Outputs { get; init; }

    public bool DistUpdated { get; init; }

    /// <summary>What this run did to the registry entry; not part of the written report (a rerun would change it).</summary>
    [JsonIgnore]
    public Registry.RegisterResult? Registered { get; init; }

    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = CompileReportJsonContext.Default,
    }.WithKebabCaseEnums();

    /// <summary>
    /// Writes compile-report.json and .md. The files name folders by placeholder (<paramref name="folders"/>: e.g. the
    /// build folder as <c>$BUILD</c>) and stage temp folders by their final names, so the same build in another folder
    /// writes the same bytes apart from the timing fields (<see cref="Reporting.ReportTimings"/>).
    /// </summary>
    public void Write(string directory, IReadOnlyList<(string Folder, string Placeholder)> folders)
    {
        var portable = Portable(folders);
        AtomicFile.WriteAllText(Path.Combine(directory, "compile-report.json"), JsonSerializer.Serialize(portable, Json.TypeInfo<CompileReport>()) + "\n");
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

    private static string ChainLabel(string kind) => global::Ava.Compiler.Verification.AppChain.AppChainSummary.KindLabel(kind);

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
            sb.AppendLine(c, $"- context window {Plan.ContextWindowSize}, prefill chunk {Plan.PrefillChunkSize}");
            sb.AppendLine(c, $"- estimated {Plan.EstimatedVramBytes >> 20} MiB of a {Plan.BudgetBytes >> 20} MiB budget: weights {Plan.WeightBytes >> 20} MiB, KV cache {Plan.KvCacheBytes >> 20} MiB (sliding-window layers trimmed: {Plan.KvCacheSlidingBytes >> 20} MiB), temporaries {Plan.TemporaryBytes >> 20} MiB");
            foreach (var n in Plan.Notes) sb.AppendLine(c, $"- {n}");
        }
        if (Memory is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Memory from the library's metadata (estimated_vram_bytes)");
            sb.AppendLine(c, $"- {Memory.EstimatedVramBytes >> 20} MiB: parameters {Memory.ParamBytes >> 20} MiB, largest temporary buffer {Memory.TemporaryBytes >> 20} MiB ({Memory.TemporaryFunction}), KV cache {Memory.KvCacheBytes >> 20} MiB for {Memory.KvTokens} tokens");
            sb.AppendLine(c, $"- planner before compiling: {(Memory.PlannedVramBytes ?? 0) >> 20} MiB; difference {(Memory.DifferenceBytes ?? 0) >> 20} MiB (metadata minus plan)");
        }
        if (Verification is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Verification");
            sb.AppendLine(c, $"{Verification.Verdict}: {Verification.Generation} (ABI profile {Verification.Abi}, runtime symbols from {string.Join(", ", Verification.RuntimeSources)}). Full report: `verification-report.md` in the build folder.");
            var link = Verification.LinkProof;
            sb.AppendLine(c, $"Link proof: {(link.Performed ? $"{link.Note} Linker {link.Linker}{(link.NdkRevision is { } rev ? $" (NDK {rev})" : "")}." : link.Note)}");
            if (Verification.AppChain is { } chain)
            {
                sb.AppendLine();
                sb.AppendLine(c, $"App runtime chain: {(chain.Status == "proven" ? $"proven for {string.Join(", ", chain.App.Select(a => $"`{a}`"))} ({chain.Api})." : chain.Note)}");
                foreach (var l in chain.Links)
                    sb.AppendLine(c, $"- {(l.Status == "ok" ? "✓" : "✗")} {ChainLabel(l.Link)}: `{l.From}` → `{l.To}` — {l.Reason}");
            }
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

}

public sealed record StageReport(string Name, StageStatus Status, string Key, double WallSeconds, long PeakMemoryBytes, string? Summary,
    IReadOnlyList<ToolMetrics> Tools, string LogPath);

public sealed record CompileOutputs(string ModelDirectory, string Package, long PackageBytes, string PackageSha256, string RegistryEntry, string BuildDirectory, string Report);

/// <summary>Compile-time JSON metadata of compile-report.json (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(CompileReport))]
internal sealed partial class CompileReportJsonContext : JsonSerializerContext;
