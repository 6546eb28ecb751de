using Ava.Compiler.Processes;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Planning;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Plans memory (context window, prefill chunk, estimated_vram_bytes) from the model's config.json and the recipe's
/// device budget, then runs <c>mlc_llm gen_config</c> with those values and checks that MLC wrote what was planned.
/// </summary>
public sealed class ConfigureStage(LlmBuild build) : IStage<ConfigureResult>
{
    public const string StageName = "configure";

    public static readonly StageResult<ConfigureResult> Output = new(StageName, LlmJsonContext.Default.ConfigureResult);

    public StageResult<ConfigureResult> Result => Output;
    public const string ChatConfig = "mlc-chat-config.json";
    public const string PlanFile = "memory-plan.json";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [FetchStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1).Add("quantization", build.Quantization).Add("model-type", build.Llm.ModelType)
            .Add("conv-template", build.Llm.ConvTemplate).Add("device-memory-mb", build.Llm.DeviceMemoryMb)
            .Add("context", build.ContextWindowSize ?? 0).Add("prefill", build.PrefillChunkSize ?? 0)
            .Add("sliding-window", build.Llm.Overrides.SlidingWindowSize ?? 0).Add("max-batch", build.Llm.Overrides.MaxBatchSize ?? 0);
        build.AddToolchain(key);
    }

    public MemoryPlan Plan(string modelDirectory) =>
        MemoryPlanner.Plan(ModelArchitecture.Load(Path.Combine(modelDirectory, "config.json")), build.QuantizationInfo, build.ModelType.Context,
            build.Llm.DeviceMemoryMb, build.ContextWindowSize, build.PrefillChunkSize, build.Llm.Overrides.SlidingWindowSize, build.Llm.Overrides.MaxBatchSize);

    public ToolCommand Command(string modelDirectory, string output, MemoryPlan plan) =>
        build.Mlc.GenConfig(modelDirectory, build.Quantization, build.Llm.ModelType, build.Llm.ConvTemplate, output,
            plan.PassContextWindow ? plan.ContextWindowSize : null, plan.PrefillChunkSize, build.Llm.Overrides.SlidingWindowSize, plan.MaxBatchSize);

    public async Task<StageOutcome<ConfigureResult>> RunAsync(StageContext context)
    {
        var modelDir = FetchStage.ModelDirectory(context);
        var plan = Plan(modelDir);
        foreach (var note in plan.Notes) context.Reporter.Info($"plan: {note}");
        context.Reporter.Info($"plan: estimated {plan.EstimatedVramBytes / (1 << 20)} MiB of {plan.BudgetBytes / (1 << 20)} MiB " +
                              $"(weights {plan.WeightBytes / (1 << 20)}, KV cache {plan.KvCacheBytes / (1 << 20)}, temporaries {plan.TemporaryBytes / (1 << 20)})");
        File.WriteAllText(Path.Combine(context.OutputDirectory, PlanFile),
            JsonSerializer.SerializeToNode(plan, LlmJsonContext.Default.MemoryPlan)!.ToJsonString(PlanJson));

        await MlcStep.RunAsync(context, Command(modelDir, context.OutputDirectory, plan), build.Environment);
        var chatPath = MlcStep.Require(context, ChatConfig, "gen_config");

        var chat = JsonNode.Parse(File.ReadAllText(chatPath)) as JsonObject
                   ?? throw new ExternalToolException($"mlc_llm gen_config wrote an {ChatConfig} that is not a JSON object.", "Run 'alc doctor'.", context.LogPath);
        var written = chat["context_window_size"]?.GetValue<int>();
        if (written != plan.ContextWindowSize)
            context.Reporter.Warn($"MLC wrote context_window_size {written?.ToString() ?? "none"}, the plan expected {plan.ContextWindowSize}; the model follows MLC's value.");
        if (chat["model_type"]?.GetValue<string>() is { } mt && mt != build.Llm.ModelType)
            throw new ExternalToolException($"mlc_llm gen_config wrote model_type '{mt}', expected '{build.Llm.ModelType}'.", "Check the recipe's llm.model_type against the model's config.json.", context.LogPath);

        return new StageOutcome<ConfigureResult>($"context {written ?? plan.ContextWindowSize}, prefill {plan.PrefillChunkSize}, estimated {plan.EstimatedVramBytes / (1 << 20)} MiB",
            new ConfigureResult(plan, written ?? plan.ContextWindowSize, chat["vocab_size"]?.GetValue<long>(),
                chat["tokenizer_files"]?.Deserialize(LlmJsonContext.Default.IReadOnlyListString)));
    }

    private static readonly JsonSerializerOptions PlanJson = new() { WriteIndented = true };
}
