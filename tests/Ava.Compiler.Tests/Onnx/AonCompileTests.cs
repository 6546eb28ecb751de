using Ava.Compiler.Onnx;
using Ava.Compiler.Tests.Infrastructure;
using Google.Protobuf;
using Onnx;

namespace Ava.Compiler.Tests.Onnx;

/// <summary>`alc compile` on onnx-embedding recipes with small models: success, the gate, and every kind of bad input.</summary>
public class AonCompileTests
{
    private static Task<AlcResult> Compile(TempDir dir, string recipes, params string[] extra) =>
        AlcRun.RunAsync(dir.Path, null, ["compile", "tiny-embed", "--target", "android", "--recipes", recipes, "--json", .. extra]);

    private static void AssertNothingPublished(TempDir dir) =>
        Assert.False(Directory.Exists(dir["dist"]) && Directory.EnumerateFileSystemEntries(dir["dist"], "*", SearchOption.AllDirectories).Any(),
            "dist/ must stay empty when a build fails");

    [Fact]
    public async Task A_small_embedding_model_compiles_to_an_AON_package_with_manifest_and_report()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab));

        Assert.True(result.ExitCode == 0, result.StdErr);
        var models = dir["dist/models"];
        Assert.Equal(
            ["AVA-016-Tiny-INT8.AON", "AVA-016-Tiny-INT8.alc-manifest.json", "AVA-016-Tiny-INT8.report.json", "AVA-016-Tiny-INT8.report.md", "AVA-016-Tiny-INT8.vocab.txt"],
            Directory.EnumerateFiles(models).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // The registry record (the same ModelEntry schema as the LLM entries), and nothing registry-like in dist/.
        Assert.Equal(["models"], Directory.EnumerateFileSystemEntries(dir["dist"]).Select(Path.GetFileName));
        var entry = new Ava.Compiler.Registry.ModelRegistry(dir["registry"]).GetModel("AVA-016-Tiny-INT8");
        Assert.Equal(("onnx-embedding", TinyEmbedder.Dim), (entry.Kind, entry.Model.Dimensions));
        Assert.Equal("models/AVA-016-Tiny-INT8.AON", entry.ArtifactWithRole(Ava.Compiler.Registry.ArtifactRole.Model)!.Path);
        Assert.Equal(EmbeddedMiniLm.Sha256Of(Path.Combine(models, "AVA-016-Tiny-INT8.AON")), entry.ArtifactWithRole(Ava.Compiler.Registry.ArtifactRole.Model)!.Sha256);
        Assert.Equal("created", result.Json().RootElement.GetProperty("registry").GetProperty("change").GetString());
        var aon = OnnxModelFile.Load(Path.Combine(models, "AVA-016-Tiny-INT8.AON"));
        Assert.Contains(aon.Graph.Node, n => n.OpType == "MatMulInteger");
        Assert.Contains(aon.Graph.Node, n => n.OpType == "DequantizeLinear");

        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(models, "AVA-016-Tiny-INT8.alc-manifest.json"))).RootElement;
        Assert.Equal("onnx-embedding", manifest.GetProperty("kind").GetString());
        var listed = manifest.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(EmbeddedMiniLm.Sha256Of(Path.Combine(models, "AVA-016-Tiny-INT8.AON")), listed["AVA-016-Tiny-INT8.AON"]);
        Assert.Equal(4, listed.Count);

        var report = result.Json().RootElement.GetProperty("report").GetProperty("validation");
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.True(report.GetProperty("signatureIdentical").GetBoolean());
        Assert.True(report.GetProperty("sentences").GetInt32() >= 50);
        Assert.Contains("| cosine to FP32, mean", File.ReadAllText(Path.Combine(models, "AVA-016-Tiny-INT8.report.md")));

        // A rerun finds every stage up to date and publishes the same bytes.
        var before = File.ReadAllBytes(Path.Combine(models, "AVA-016-Tiny-INT8.AON"));
        var again = await Compile(dir, Path.Combine(dir.Path, "recipes"));
        Assert.Equal(0, again.ExitCode);
        Assert.All(again.Json().RootElement.GetProperty("stages").EnumerateArray(), s => Assert.Equal("skipped", s.GetProperty("status").GetString()));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(models, "AVA-016-Tiny-INT8.AON")));
    }

    [Fact]
    public async Task A_model_that_misses_the_accuracy_gate_fails_with_exit_1_and_publishes_nothing()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab, minMean: 1.0, min: 1.0));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not accurate enough", result.StdOut);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task A_text_file_given_as_the_model_is_bad_input()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var notModel = dir.Write("readme.onnx", "# not a model\nJust some text.\n");
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab), "--source", notModel, "--vocab", vocab);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a usable ONNX model", result.StdOut);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task A_config_json_beside_the_model_that_agrees_with_it_is_accepted()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        // A stand-in written here for the 16-wide tiny model (not a published file): only the fields BertConfig reads.
        dir.Write("config.json", $$"""{"model_type":"bert","hidden_size":{{TinyEmbedder.Dim}},"vocab_size":{{TinyEmbedder.Vocab.Length}}}""");
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab));

        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    [Fact]
    public async Task A_config_json_beside_the_model_that_gives_another_width_is_bad_input_and_publishes_nothing()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        // The published all-MiniLM-L6-v2 config.json (384 wide) beside a 16-wide model: the files do not belong together.
        File.Copy(RepoPaths.Combine("tests", "fixtures", "hf-configs", "sentence-transformers--all-MiniLM-L6-v2", "config.json"), dir["config.json"]);
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("gives hidden_size 384, but the model's output 'last_hidden_state' is 16 wide", result.StdOut);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task A_truncated_model_is_bad_input()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var bytes = File.ReadAllBytes(model);
        var cut = dir.Write("cut.onnx", bytes[..(bytes.Length * 2 / 3)]);
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab), "--source", cut, "--vocab", vocab);

        Assert.Equal(2, result.ExitCode);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task A_model_without_MatMul_is_bad_input()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var noMatMul = new TinyModel()
            .Input("input_ids", OnnxDataType.Int64, "batch", "sequence")
            .Output("last_hidden_state", OnnxDataType.Float, "batch", "sequence", TinyEmbedder.Dim)
            .Initializer(Tensors.Float("word_embeddings", [TinyEmbedder.Vocab.Length, TinyEmbedder.Dim], TinyModel.Random(TinyEmbedder.Vocab.Length * TinyEmbedder.Dim, 1)))
            .Node("Gather", ["word_embeddings", "input_ids"], ["last_hidden_state"])
            .Build();
        var path = dir.Write("gather-only.onnx", OnnxModelFile.ToBytes(noMatMul));
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab), "--source", path, "--vocab", vocab);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no MatMul", result.StdOut);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task An_external_data_model_whose_data_file_is_missing_is_bad_input_naming_the_file()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var external = OnnxModelFile.Load(model);
        var dense = external.Graph.Initializer.Single(t => t.Name == "dense");
        var length = dense.RawData.Length;
        dense.RawData = ByteString.Empty;
        dense.DataLocation = TensorProto.Types.DataLocation.External;
        dense.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "tiny-ext.onnx.data" });
        dense.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString() });
        var path = dir.Write("ext/tiny-ext.onnx", OnnxModelFile.ToBytes(external));
        var result = await Compile(dir, TinyEmbedder.Recipes(dir, model, vocab), "--source", path, "--vocab", vocab);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tiny-ext.onnx.data", result.StdOut);
        Assert.Contains("missing", result.StdOut);
        AssertNothingPublished(dir);
    }

    [Fact]
    public async Task A_target_other_than_android_is_refused_before_anything_runs()
    {
        using var dir = new TempDir("aon");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        var result = await AlcRun.RunAsync(dir.Path, null, ["compile", "tiny-embed", "--target", "ios", "--recipes", TinyEmbedder.Recipes(dir, model, vocab), "--json"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown target 'ios'", result.StdOut);
        Assert.False(Directory.Exists(dir["build"]));
        AssertNothingPublished(dir);
    }
}
