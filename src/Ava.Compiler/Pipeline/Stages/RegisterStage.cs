using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Stages;

/// <summary>
/// Writes the registry entry for the build (<c>AVA-….registry.json</c>): what the app and the registry need to list
/// the model (name, package hashes, context, vocab, TVM version, verification, compile date). Until the model registry
/// lands this file is the record; the registry will read the same fields.
/// </summary>
public sealed class RegisterStage(LlmBuild build) : IStage
{
    public const string StageName = "register";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [PackageStage.StageName];

    public string EntryFile => build.Name.Value + ".registry.json";

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) => key.Add("stage-version", 1);

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var package = context.DataOf(PackageStage.StageName);
        var packageFolder = Path.Combine(context.OutputOf(PackageStage.StageName), build.Name.Value);
        var manifest = Packaging.PackageManifest.Read(packageFolder);
        var details = manifest.Details ?? [];
        var compiled = build.Environment.ContainsKey("SOURCE_DATE_EPOCH")
            ? DateTimeOffset.FromUnixTimeSeconds(build.SourceDateEpoch)
            : DateTimeOffset.UtcNow;
        var entry = new JsonObject
        {
            ["schema"] = "alc-registry-entry/1",
            ["id"] = build.Name.Value,
            ["kind"] = "llm",
            ["recipe"] = build.Recipe.Name,
            ["code"] = build.Name.Code,
            ["size"] = build.Name.Size,
            ["quantization"] = build.Quantization,
            ["experimental"] = false,
            ["modelLib"] = build.ModelLib,
            ["modelPath"] = $"models/llm/{build.Name.Value}",
            ["package"] = new JsonObject
            {
                ["file"] = package["package"]?.DeepClone(),
                ["bytes"] = package["packageBytes"]?.DeepClone(),
                ["sha256"] = package["packageSha256"]?.DeepClone(),
                ["xxHash128"] = package["packageXxHash128"]?.DeepClone(),
            },
            ["contextWindowSize"] = details["contextWindowSize"]?.DeepClone(),
            ["vocabSize"] = details["vocabSize"]?.DeepClone(),
            ["estimatedVramBytes"] = details["estimatedVramBytes"]?.DeepClone(),
            ["tvmVersion"] = build.Lock.Tvm.Version,
            ["toolchain"] = details["toolchain"]?.DeepClone(),
            ["source"] = details["source"]?.DeepClone(),
            ["verification"] = details["verification"]?.DeepClone(),
            ["compiledUtc"] = compiled.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        };
        File.WriteAllText(Path.Combine(context.OutputDirectory, EntryFile), entry.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return Task.FromResult(new StageOutcome($"{EntryFile}", new JsonObject { ["entry"] = EntryFile }));
    }
}
