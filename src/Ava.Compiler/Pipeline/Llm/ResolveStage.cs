using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Records what is being built (recipe, quantization, AVA name, system-lib prefix, toolchain pins) in
/// <c>build-plan.json</c>. Nothing downstream keys on it, so editing a recipe's description or budget reruns only
/// the stages whose own inputs changed.
/// </summary>
public sealed class ResolveStage(LlmBuild build) : IStage
{
    public const string StageName = "resolve";

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

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var plan = new JsonObject
        {
            ["recipe"] = build.Recipe.Name,
            ["avaName"] = build.Name.Value,
            ["code"] = build.Name.Code,
            ["size"] = build.Name.Size,
            ["quantization"] = build.Quantization,
            ["modelType"] = build.Llm.ModelType,
            ["convTemplate"] = build.Llm.ConvTemplate,
            ["systemLibPrefix"] = build.SystemLibPrefix,
            ["modelLib"] = build.ModelLib,
            ["source"] = build.SourceDirectory is null ? $"{build.Recipe.Source.HfRepo}@{build.Recipe.Source.Revision}" : "local folder",
            ["toolchain"] = new JsonObject
            {
                ["tvm"] = $"{build.Lock.Tvm.Version} ({build.Lock.Tvm.Commit})",
                ["tvmFfi"] = build.Lock.TvmFfi.Version,
                ["mlcLlm"] = build.Lock.MlcLlm.Commit,
                ["abiProfile"] = build.Lock.AbiProfile,
            },
        };
        File.WriteAllText(Path.Combine(context.OutputDirectory, "build-plan.json"), plan.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(new StageOutcome($"{build.Name.Value} = {build.Recipe.Name} {build.Quantization}, prefix {build.SystemLibPrefix}", plan));
    }
}
