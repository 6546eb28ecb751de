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
public sealed class AonPackageStage(EmbeddingRecipe recipe) : IStage<AonArtifact>
{
    public const string StageName = "aon-package";

    public static readonly StageResult<AonArtifact> Output = new(StageName, AonJsonContext.Default.AonArtifact);

    public StageResult<AonArtifact> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonFetchStage.StageName, AonQuantizeStage.StageName, AonValidateStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
        key.Add("stage-version", 2).Add("recipe", recipe.Id).Add("name", recipe.AvaName);

    public static string ArtifactName(string avaName) => avaName + ".AON";

    public static string VocabName(string avaName) => avaName + ".vocab.txt";

    public static string ReportName(string avaName, string ext) => $"{avaName}.report.{ext}";

    public static string ManifestName(string avaName) => $"{avaName}.{PackageManifest.FileName}";

    public Task<StageOutcome<AonArtifact>> RunAsync(StageContext context)
    {
        var dir = context.OutputDirectory;
        var name = recipe.AvaName;
        File.Copy(Path.Combine(context.OutputOf(AonQuantizeStage.StageName), AonQuantizeStage.ModelFile), Path.Combine(dir, ArtifactName(name)));
        File.Copy(Path.Combine(context.OutputOf(AonFetchStage.StageName), AonFetchStage.VocabFile), Path.Combine(dir, VocabName(name)));

        // Packaged files are the same for every build of the same inputs: the latency measurement stays in the build
        // folder's compile report.
        var (fetched, quantized, validated) =
            (context.ResultOf(AonFetchStage.Output), context.ResultOf(AonQuantizeStage.Output), context.ResultOf(AonValidateStage.Output));
        var report = AonReport.Packaged(AonReport.Build(recipe.Id, name, fetched, quantized, validated));
        AtomicFile.WriteAllText(Path.Combine(dir, ReportName(name, "json")), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(dir, ReportName(name, "md")), AonReport.Markdown(report));

        var manifest = PackageManifest.Describe(dir, name, "onnx-embedding", context.HashCache, new JsonObject
        {
            ["recipe"] = recipe.Id,
            ["artifact"] = ArtifactName(name),
            ["vocab"] = VocabName(name),
            ["source"] = AonFetchStage.Output.ToData(fetched),
            ["quantization"] = Reporting.ReportTimings.Strip(AonQuantizeStage.Output.ToData(quantized)),
            ["verification"] = new JsonObject
            {
                ["passed"] = true,
                ["meanCosine"] = validated.MeanCosine,
                ["minCosine"] = validated.MinCosine,
                ["signatureIdentical"] = true,
            },
        });
        AtomicFile.WriteAllText(Path.Combine(dir, ManifestName(name)), manifest.ToJson() + "\n");

        var artifact = manifest.Files.Single(f => f.Path == ArtifactName(name));
        return Task.FromResult(new StageOutcome<AonArtifact>($"{ArtifactName(name)}: {artifact.Size:N0} bytes, sha256 {artifact.Sha256[..12]}…",
            new AonArtifact(artifact.Path, artifact.Size, artifact.Sha256, artifact.XxHash128)));
    }
}
