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
        // convert_weight writes model.safetensors.index.json into the folder it reads when a model has one
        // model.safetensors and no index (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/support/auto_weight.py:151-160). The
        // model folder may be the shared Hugging Face cache snapshot, so MLC reads a private folder of links instead.
        // In the build folder (stages/../mlc-model), so the recorded command is the same in every build of these inputs.
        var buildDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(context.OutputDirectory)))!;
        using var source = ModelLinks.Create(FetchStage.ModelDirectory(context), Path.Combine(buildDirectory, "mlc-model"));
        context.Log("MLC reads the model through links in $BUILD/mlc-model (the model folder itself is never written)");
        var run = await MlcStep.RunAsync(context, Command(source.Path, context.OutputDirectory), build.Environment);
        var shards = Directory.GetFiles(context.OutputDirectory, "params_shard_*.bin").Length;
        MlcStep.Require(context, "tensor-cache.json", "convert_weight");
        var bytes = Directory.GetFiles(context.OutputDirectory).Sum(f => new FileInfo(f).Length);
        return new StageOutcome<ConvertResult>($"{shards} weight shards, {bytes / (1 << 20)} MiB", new ConvertResult(shards, bytes, run.PeakMemoryBytes));
    }
}
