using Ava.Compiler.Onnx;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>
/// The `.AON` build report: one JSON object (source, quantization, validation, files) and its markdown rendering with
/// the result table a person reads first. The packaged copy (dist/models/) carries no timings
/// (<see cref="Packaged"/>); the build folder's compile-report.json|md adds the latency measurement and the stage
/// wall times (<see cref="WithTimings"/>), rendered in the markdown's last section, "## Timings".
/// </summary>
public static class AonReport
{
    public static JsonObject Build(string recipeId, string avaName, AonSource fetch, AonQuantization quantize, ValidationSummary validation) => new()
    {
        ["recipe"] = recipeId,
        ["name"] = avaName,
        ["artifact"] = avaName + ".AON",
        ["kind"] = "onnx-embedding",
        ["source"] = AonFetchStage.Output.ToData(fetch),
        ["quantization"] = AonQuantizeStage.Output.ToData(quantize),
        ["validation"] = AonValidateStage.Output.ToData(validation),
    };

    /// <summary>The report as packaged beside the .AON: the same for every build of the same inputs.</summary>
    public static JsonObject Packaged(JsonObject report) => Reporting.ReportTimings.Strip(report)!.AsObject();

    /// <summary>The report with each stage's wall time (the build folder's compile report).</summary>
    public static JsonObject WithTimings(JsonObject report, IEnumerable<(string Stage, string Status, double WallSeconds)> stages)
    {
        var copy = report.DeepClone().AsObject();
        copy["stages"] = new JsonArray(stages.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Stage, ["status"] = s.Status, ["wallSeconds"] = s.WallSeconds,
        }).ToArray());
        return copy;
    }

    public static string Markdown(JsonObject report)
    {
        var v = report["validation"]!.AsObject();
        var q = report["quantization"]!.AsObject();
        var s = report["source"]!.AsObject();
        var l = v["latency"] as JsonObject;
        var sb = new StringBuilder();
        sb.AppendLine($"# {report["artifact"]} — INT8 embedding model report").AppendLine();
        sb.AppendLine($"Recipe `{report["recipe"]}` · source `{s["origin"]}` (sha256 `{s["modelSha256"]}`) · verdict **{((bool)v["passed"]! ? "PASS" : "FAIL")}**").AppendLine();
        sb.AppendLine("| check | FP32 | INT8 | result | gate |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine($"| file size | {Mb(v["fp32Bytes"])} | {Mb(v["int8Bytes"])} | ×{F(v["sizeRatio"], 3)} | |");
        sb.AppendLine($"| cosine to FP32, mean ({v["sentences"]} sentences) | 1 | {F(v["meanCosine"], 4)} | | ≥ {F(v["requiredMeanCosine"], 2)} |");
        sb.AppendLine($"| cosine to FP32, min | 1 | {F(v["minCosine"], 4)} | worst: \"{Escape(Short((string)v["worstSentence"]!))}\" | ≥ {F(v["requiredMinCosine"], 2)} |");
        sb.AppendLine($"| signature (inputs/outputs: name, type, rank) | | | {((bool)v["signatureIdentical"]! ? "identical" : "CHANGED")} | identical |");
        sb.AppendLine();
        sb.AppendLine($"Quantization: {q["matMulsQuantized"]} MatMul with constant weights → DynamicQuantizeLinear + MatMulInteger " +
                      $"({(((bool)q["perChannel"]!) ? "per-channel" : "per-tensor")} int8 weights), {q["gemmsQuantized"]} Gemm the same way + bias Add, {q["matMulsLeftFloat"]} activation×activation MatMul left float, " +
                      $"{q["gathersQuantized"]} Gather tables uint8; {(long)q["weightsQuantized"]!:N0} weights.").AppendLine();
        sb.AppendLine("| tensor | FP32 | INT8 |").AppendLine("|---|---|---|");
        foreach (var kind in new[] { "inputs", "outputs" })
            foreach (var t in v[kind]!.AsArray())
                sb.AppendLine($"| {kind[..^1]} `{t!["name"]}` | {t["fp32"]} | {t["int8"]} |");
        sb.AppendLine();
        sb.AppendLine("Lowest five sentences:").AppendLine();
        foreach (var x in v["scores"]!.AsArray().OrderBy(x => (double)x!["cosine"]!).Take(5))
            sb.AppendLine($"- {F(x!["cosine"], 4)} — \"{Escape(Short((string)x["text"]!))}\" ({x["tokens"]} tokens)");
        var stages = report["stages"] as JsonArray;
        if (l is null && stages is null) return sb.ToString();
        // Everything measured in time goes last, under the heading ReportTimings.Normalize drops.
        sb.AppendLine().AppendLine(Reporting.ReportTimings.MarkdownSection).AppendLine();
        if (l is not null)
        {
            sb.AppendLine("| check | FP32 | INT8 | result |").AppendLine("|---|---|---|---|");
            sb.AppendLine($"| latency, 1 thread, {l["tokens"]} tokens (median of {l["runs"]}) | {F(l["fp32MedianMs"], 2)} ms | {F(l["int8MedianMs"], 2)} ms | {F(l["speedup"], 2)}× faster |");
            sb.AppendLine();
        }
        if (stages is not null)
            foreach (var st in stages)
                sb.AppendLine($"- {st!["name"]}: {(st["status"]?.ToString() == "ran" ? F(st["wallSeconds"], 2) + " s" : "up to date")}");
        return sb.ToString();
    }

    private static string Mb(JsonNode? bytes) => ((long)bytes!/ 1e6).ToString("F2", CultureInfo.InvariantCulture) + " MB";

    private static string F(JsonNode? n, int digits) => ((double)n!).ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string Short(string s) => s.Length <= 50 ? s : s[..47] + "...";

    private static string Escape(string s) => s.Replace("|", "\\|");
}
