using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Onnx;
using Ava.Compiler.Packaging;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>
/// `.AON` path, step 4: lays out the package — <c>&lt;name&gt;.AON</c> (the INT8 ONNX model, FR-6.4), the vocabulary it
/// needs, the report (markdown + JSON) and <c>alc-manifest.json</c> with every file's size, XxHash128 and SHA-256.
/// Every file name starts with the AVA name, so packages of several models can share dist/models/.
/// </summary>
public sealed class AonPackageStage(EmbeddingRecipe recipe) : IStage
{
    public const string StageName = "aon-package";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonFetchStage.StageName, AonQuantizeStage.StageName, AonValidateStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
        key.Add("stage-version", 2).Add("recipe", recipe.Id).Add("name", recipe.AvaName);

    public static string ArtifactName(string avaName) => avaName + ".AON";

    public static string VocabName(string avaName) => avaName + ".vocab.txt";

    public static string ReportName(string avaName, string ext) => $"{avaName}.report.{ext}";

    public static string ManifestName(string avaName) => $"{avaName}.{PackageManifest.FileName}";

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var dir = context.OutputDirectory;
        var name = recipe.AvaName;
        File.Copy(Path.Combine(context.OutputOf(AonQuantizeStage.StageName), AonQuantizeStage.ModelFile), Path.Combine(dir, ArtifactName(name)));
        File.Copy(Path.Combine(context.OutputOf(AonFetchStage.StageName), AonFetchStage.VocabFile), Path.Combine(dir, VocabName(name)));

        // Packaged files are the same for every build of the same inputs: the latency measurement stays in the build
        // folder's compile report.
        var report = AonReport.Packaged(AonReport.Build(recipe.Id, name, context.DataOf(AonFetchStage.StageName),
            context.DataOf(AonQuantizeStage.StageName), context.DataOf(AonValidateStage.StageName)));
        AtomicFile.WriteAllText(Path.Combine(dir, ReportName(name, "json")), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(dir, ReportName(name, "md")), AonReport.Markdown(report));

        var manifest = PackageManifest.Describe(dir, name, "onnx-embedding", context.HashCache, new JsonObject
        {
            ["recipe"] = recipe.Id,
            ["artifact"] = ArtifactName(name),
            ["vocab"] = VocabName(name),
            ["source"] = context.DataOf(AonFetchStage.StageName).DeepClone(),
            ["quantization"] = Reporting.ReportTimings.Strip(context.DataOf(AonQuantizeStage.StageName)),
            ["verification"] = new JsonObject
            {
                ["passed"] = true,
                ["meanCosine"] = context.DataOf(AonValidateStage.StageName)["meanCosine"]?.DeepClone(),
                ["minCosine"] = context.DataOf(AonValidateStage.StageName)["minCosine"]?.DeepClone(),
                ["signatureIdentical"] = true,
            },
        });
        AtomicFile.WriteAllText(Path.Combine(dir, ManifestName(name)), manifest.ToJson() + "\n");

        var artifact = manifest.Files.Single(f => f.Path == ArtifactName(name));
        return Task.FromResult(new StageOutcome($"{ArtifactName(name)}: {artifact.Size:N0} bytes, sha256 {artifact.Sha256[..12]}…",
            new JsonObject { ["artifact"] = artifact.Path, ["bytes"] = artifact.Size, ["sha256"] = artifact.Sha256, ["xxHash128"] = artifact.XxHash128 }));
    }
}
