using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Onnx;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>
/// `.AON` path, step 3, the gate: FP32 vs INT8 with ONNX Runtime on the built-in sentence set. A model under the
/// cosine thresholds or with a changed signature fails the build here (exit 1), so nothing reaches dist/.
/// </summary>
public sealed class AonValidateStage(ValidationOptions options) : IStage<ValidationSummary>
{
    public const string StageName = "aon-validate";

    public static readonly StageResult<ValidationSummary> Output = new(StageName, AonJsonContext.Default.ValidationSummary);

    public StageResult<ValidationSummary> Result => Output;
    public const string ReportFile = "validation.json";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonFetchStage.StageName, AonQuantizeStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1)
            .Add("min-mean-cosine", options.MinMeanCosine.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
            .Add("min-cosine", options.MinCosine.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
            .Add("lowercase", options.Lowercase)
            .Add("max-tokens", options.MaxTokens)
            .Add("latency-runs", options.LatencyRuns)
            .Add("sentences", FileHasher.XxHash128Of(string.Join("\n", options.Sentences)));
    }

    public Task<StageOutcome<ValidationSummary>> RunAsync(StageContext context)
    {
        var fetched = context.OutputOf(AonFetchStage.StageName);
        var fp32 = File.ReadAllBytes(Path.Combine(fetched, AonFetchStage.ModelFile));
        var int8 = File.ReadAllBytes(Path.Combine(context.OutputOf(AonQuantizeStage.StageName), AonQuantizeStage.ModelFile));
        var report = EmbeddingValidator.Validate(fp32, int8, Path.Combine(fetched, AonFetchStage.VocabFile), options);

        var summary = ValidationSummary.From(report);
        var json = Output.ToData(summary);
        context.Log(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        report.ThrowIfFailed();
        AtomicFile.WriteAllText(Path.Combine(context.OutputDirectory, ReportFile), json.ToJsonString() + "\n");

        var latency = report.Latency is { } l ? $", 1-thread latency {l.Fp32MedianMs:F2} → {l.Int8MedianMs:F2} ms ({l.Speedup:F2}×)" : "";
        return Task.FromResult(new StageOutcome<ValidationSummary>(
            $"cosine vs FP32 mean {report.MeanCosine:F4} (≥ {report.MinMeanCosineRequired:F2}), min {report.MinCosine:F4} (≥ {report.MinCosineRequired:F2}) " +
            $"over {report.Scores.Count} sentences; signature identical; size ×{report.SizeRatio:F3}{latency}",
            summary));
    }
}
