using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Onnx;

namespace Ava.Compiler.Pipeline.Stages;

/// <summary>
/// `.AON` path, step 5: the registry entry (<c>AVA-384-Base-INT8.registry.json</c>), in the same
/// <c>alc-registry-entry/1</c> shape the LLM path's register stage writes, so the registry and the app list both kinds
/// from one set of files.
/// </summary>
public sealed class AonRegisterStage(EmbeddingRecipe recipe) : IStage
{
    public const string StageName = "aon-register";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonFetchStage.StageName, AonQuantizeStage.StageName, AonValidateStage.StageName, AonPackageStage.StageName];

    public static string EntryName(string avaName) => avaName + ".registry.json";

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) => key.Add("stage-version", 1);

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var package = context.DataOf(AonPackageStage.StageName);
        var validation = context.DataOf(AonValidateStage.StageName);
        var entry = new JsonObject
        {
            ["schema"] = "alc-registry-entry/1",
            ["id"] = recipe.AvaName,
            ["kind"] = "onnx-embedding",
            ["recipe"] = recipe.Id,
            ["experimental"] = false,
            ["modelPath"] = "models/" + AonPackageStage.ArtifactName(recipe.AvaName),
            ["vocabPath"] = "models/" + AonPackageStage.VocabName(recipe.AvaName),
            ["package"] = new JsonObject
            {
                ["file"] = package["artifact"]?.DeepClone(),
                ["bytes"] = package["bytes"]?.DeepClone(),
                ["sha256"] = package["sha256"]?.DeepClone(),
                ["xxHash128"] = package["xxHash128"]?.DeepClone(),
            },
            ["embeddingDimension"] = EmbeddingDimension(validation),
            ["maxTokens"] = recipe.MaxTokens,
            ["lowercase"] = recipe.Lowercase,
            ["pooling"] = "mean+l2",
            ["quantization"] = context.DataOf(AonQuantizeStage.StageName).DeepClone(),
            ["source"] = context.DataOf(AonFetchStage.StageName).DeepClone(),
            ["verification"] = new JsonObject
            {
                ["passed"] = true,
                ["meanCosine"] = validation["meanCosine"]?.DeepClone(),
                ["minCosine"] = validation["minCosine"]?.DeepClone(),
                ["sentences"] = validation["sentences"]?.DeepClone(),
                ["signatureIdentical"] = validation["signatureIdentical"]?.DeepClone(),
            },
        };
        var file = EntryName(recipe.AvaName);
        AtomicFile.WriteAllText(Path.Combine(context.OutputDirectory, file), entry.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return Task.FromResult(new StageOutcome(file, new JsonObject { ["entry"] = file }));
    }

    /// <summary>The last dimension of the token-embedding output ("[batch, sequence, 384]"), when the export names it.</summary>
    private static long? EmbeddingDimension(JsonObject validation)
    {
        foreach (var o in validation["outputs"]?.AsArray() ?? [])
        {
            var shape = (string?)o?["int8"];
            if (shape is null || !shape.EndsWith(']')) continue;
            var last = shape[(shape.LastIndexOf(',') + 1)..^1].Trim();
            if (long.TryParse(last, out var d) && shape.Count(c => c == ',') == 2) return d;
        }
        return null;
    }
}
