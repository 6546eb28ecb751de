using Ava.Compiler.Processes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary><c>mlc_llm convert_weight</c>: quantizes the weights into <c>params_shard_*.bin</c> + <c>tensor-cache.json</c>.</summary>
public sealed class ConvertStage(LlmBuild build) : IStage<ConvertResult>
{
    public const string StageName = "convert";

    public static readonly StageResult<ConvertResult> Output = new(StageName, LlmJsonContext.Default.ConvertResult);

    public StageResult<ConvertResult> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [FetchStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1).Add("quantization", build.Quantization).Add("model-type", build.Llm.ModelType);
        build.AddToolchain(key);
    }

    public ToolCommand Command(string modelDirectory, string output) =>
        build.Mlc.ConvertWeight(modelDirectory, build.Quantization, build.Llm.ModelType, output);

    public async Task<StageOutcome<ConvertResult>> RunAsync(StageContext context)
    {
        var run = await MlcStep.RunAsync(context, Command(FetchStage.ModelDirectory(context), context.OutputDirectory), build.Environment);
        var shards = Directory.GetFiles(context.OutputDirectory, "params_shard_*.bin").Length;
        MlcStep.Require(context, "tensor-cache.json", "convert_weight");
        var bytes = Directory.GetFiles(context.OutputDirectory).Sum(f => new FileInfo(f).Length);
        return new StageOutcome<ConvertResult>($"{shards} weight shards, {bytes / (1 << 20)} MiB", new ConvertResult(shards, bytes, run.PeakMemoryBytes));
    }
}
