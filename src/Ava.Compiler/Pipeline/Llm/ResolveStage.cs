using System.Text.Json;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Records what is being built (recipe, quantization, AVA name, system-lib prefix, toolchain pins) in
/// <c>build-plan.json</c>. Nothing downstream keys on it, so editing a recipe's description or budget reruns only
/// the stages whose own inputs changed.
/// </summary>
public sealed class ResolveStage(LlmBuild build) : IStage<BuildPlan>
{
    public const string StageName = "resolve";

    public static readonly StageResult<BuildPlan> Output = new(StageName, LlmJsonContext.Default.BuildPlan);

    public StageResult<BuildPlan> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 2).AddFile("recipe", build.Recipe.Path!, context.HashCache)
            .Add("quantization", build.Quantization).Add("context", build.ContextWindowSize ?? 0).Add("prefill", build.PrefillChunkSize ?? 0)
            // Where a local folder is does not change what is built (fetch keys its content): the same build in
            // another folder keeps its keys, and reports stay byte-identical.
            .Add("source", build.SourceDirectory is null ? "hub" : "local folder");
        build.AddToolchain(key);
    }

    public Task<StageOutcome<BuildPlan>> RunAsync(StageContext context)
    {
        var plan = new BuildPlan(build.Recipe.Name, build.Name.Value, build.Name.Code, build.Name.Size, build.Quantization, build.Llm.ModelType,
            build.Llm.ConvTemplate, build.SystemLibPrefix, build.ModelLib,
            build.SourceDirectory is null ? $"{build.Recipe.Source.HfRepo}@{build.Recipe.Source.Revision}" : "local folder",
            new BuildPlanToolchain($"{build.Lock.Tvm.Version} ({build.Lock.Tvm.Commit})", build.Lock.TvmFfi.Version, build.Lock.MlcLlm.Commit, build.Lock.AbiProfile));
        File.WriteAllText(Path.Combine(context.OutputDirectory, "build-plan.json"), Output.ToData(plan).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(new StageOutcome<BuildPlan>($"{build.Name.Value} = {build.Recipe.Name} {build.Quantization}, prefix {build.SystemLibPrefix}", plan));
    }
}
