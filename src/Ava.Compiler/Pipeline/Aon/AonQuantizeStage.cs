using Ava.Compiler.Hashing;
using Ava.Compiler.Onnx;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>`.AON` path, step 2: dynamic INT8 quantization of the fetched model into <c>model.int8.onnx</c>.</summary>
public sealed class AonQuantizeStage(QuantizationOptions options) : IStage<AonQuantization>
{
    public const string StageName = "aon-quantize";

    public static readonly StageResult<AonQuantization> Output = new(StageName, AonJsonContext.Default.AonQuantization);

    public StageResult<AonQuantization> Result => Output;
    public const string ModelFile = "model.int8.onnx";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonFetchStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
        key.Add("stage-version", 2)
            .Add("per-channel", options.PerChannel)
            .Add("gather-tables", options.QuantizeGatherTables)
            .Add("gemm", options.QuantizeGemm)
            .Add("reduce-range", options.ReduceRange);

    public Task<StageOutcome<AonQuantization>> RunAsync(StageContext context)
    {
        var input = Path.Combine(context.OutputOf(AonFetchStage.StageName), AonFetchStage.ModelFile);
        var model = OnnxModelFile.Load(input);
        var result = new DynamicInt8Quantizer(options).Quantize(model, Path.GetFileName(input));
        var bytes = OnnxModelFile.ToBytes(result.Model);
        Ava.Compiler.IO.AtomicFile.WriteAllBytes(Path.Combine(context.OutputDirectory, ModelFile), bytes);

        var s = result.Summary;
        return Task.FromResult(new StageOutcome<AonQuantization>(
            $"{s.MatMulsQuantized} MatMul → MatMulInteger ({s.MatMulsLeftFloat} activation×activation left float), {s.GemmsQuantized} Gemm, {s.GathersQuantized} Gather tables uint8, " +
            $"{(s.PerChannel ? "per-channel" : "per-tensor")} weights; {new FileInfo(input).Length / 1e6:F1} MB → {bytes.Length / 1e6:F1} MB",
            // No timing here: this data goes into the manifest and registry entry, which must be reproducible; the
            // stage's wall time is in its stamp and the build folder's compile report.
            new AonQuantization(s.MatMulsQuantized, s.MatMulsLeftFloat, s.GathersQuantized, s.GemmsQuantized, s.ActivationQuantizers,
                s.WeightsQuantized, s.PerChannel, options.ReduceRange, options.QuantizeGatherTables)));
    }
}
