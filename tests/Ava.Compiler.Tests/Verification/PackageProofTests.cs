using System.Formats.Tar;
using System.Text.Json.Nodes;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// The package proof: a library's metadata against the mlc-chat-config.json, tensor-cache.json and shards beside it.
/// Every case starts from the matching package fixture (v022-android-package.ALM) unpacked into a model folder and
/// breaks one thing.
/// </summary>
public class PackageProofTests
{
    private static string Unpacked(TempDir dir)
    {
        var folder = dir["model"];
        Directory.CreateDirectory(folder);
        TarFile.ExtractToDirectory(Fixtures.Tvm("v022-android-package.ALM"), folder, overwriteFiles: false);
        return folder;
    }

    private static void Edit(string file, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        edit(node);
        File.WriteAllText(file, node.ToJsonString());
    }

    private static JsonArray Params(JsonObject cache) => cache["records"]![0]!["records"]!.AsArray();

    private static LibraryResult Verify(string folder) => Assert.Single(Verifier.Verify([folder], new VerifyOptions()).Libraries);

    [Fact]
    public void A_matching_package_is_accepted_and_says_what_it_compared()
    {
        using var dir = new TempDir();
        var lib = Verify(Unpacked(dir));
        Assert.Equal(Verdict.Accepted, lib.Verdict);
        Assert.Empty(lib.Problems);
        Assert.Contains("mlc-chat-config.json", lib.PackageProof);
        Assert.Contains("tensor-cache.json", lib.PackageProof);
    }

    public static TheoryData<string, string, string> Mismatches => new()
    {
        // case, problem code, text the message must contain (both sides named)
        { "quantization", "package-quantization", "compiled with quantization q4f16_1 but mlc-chat-config.json says q4f16_0" },
        { "model_type", "package-model-type", "compiled for model_type \"gemma2\" but mlc-chat-config.json says \"gemma3\"" },
        { "context", "package-context", "context_window_size 8192, above the 4096" },
        { "prefill", "package-prefill", "prefill_chunk_size 2048, above the 1024" },
        { "sliding", "package-sliding-window", "with sliding_window_size 4096 but mlc-chat-config.json has none" },
        { "param-missing", "package-param-missing", "has no record of 1 of them: model.norm.weight" },
        { "param-dtype", "package-param-dtype", "model.norm.weight (library float16, weights float32)" },
        { "param-shape", "package-param-shape", "model.embed_tokens.q_weight (library [vocab_size=16, 288], weights [16, 256])" },
        { "unresolved", "package-unresolved-dim", "sizes parameters by vocab_size" },
        { "shard-missing", "package-shard-missing", "params_shard_0.bin" },
        { "shard-size", "package-shard-size", "params_shard_0.bin (25345 bytes, recorded 25344)" },
        { "shard-hash", "package-shard-hash", "params_shard_0.bin (MD5 differs" },
        { "no-tensor-cache", "package-incomplete", "has no tensor-cache.json" },
        // The shard is 25344 bytes: q_weight 0..18432, q_scale 18432..20736, norm 20736..25344.
        { "record-past-shard", "package-record-range", "model.norm.weight in params_shard_0.bin (byteOffset 20740 + nbytes 4608 = 25348, past the shard's 25344 bytes)" },
        { "record-no-offset", "package-record-range", "model.embed_tokens.q_scale in params_shard_0.bin (no byteOffset)" },
        { "record-negative", "package-record-range", "model.embed_tokens.q_weight in params_shard_0.bin (byteOffset -1, nbytes 18432)" },
        { "record-size", "package-record-size", "model.norm.weight (4000 bytes recorded, the library's shape and dtype need 4608)" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Each_mismatch_is_one_problem_naming_both_sides_and_the_fix(string kind, string code, string text)
    {
        using var dir = new TempDir();
        var folder = Unpacked(dir);
        var config = Path.Combine(folder, "mlc-chat-config.json");
        var cache = Path.Combine(folder, "tensor-cache.json");
        var shard = Path.Combine(folder, "params_shard_0.bin");
        switch (kind)
        {
            case "quantization": Edit(config, c => c["quantization"] = "q4f16_0"); break;
            case "model_type": Edit(config, c => c["model_type"] = "gemma3"); break;
            case "context": Edit(config, c => c["context_window_size"] = 8192); break;
            case "prefill": Edit(config, c => c["prefill_chunk_size"] = 2048); break;
            case "sliding": Edit(config, c => c["sliding_window_size"] = -1); break;
            case "param-missing": Edit(cache, c => Params(c).RemoveAt(2)); break;
            case "param-dtype": Edit(cache, c => Params(c)[2]!["dtype"] = "float32"); break;
            case "param-shape": Edit(cache, c => Params(c)[0]!["shape"] = new JsonArray(16, 256)); break;
            case "unresolved": Edit(config, c => c.Remove("vocab_size")); break;
            case "shard-missing": File.Delete(shard); break;
            case "shard-size": File.AppendAllText(shard, "x"); break;
            case "shard-hash": { var b = File.ReadAllBytes(shard); b[100] ^= 1; File.WriteAllBytes(shard, b); break; }
            case "no-tensor-cache": File.Delete(cache); break;
            case "record-past-shard": Edit(cache, c => Params(c)[2]!["byteOffset"] = 20740); break;
            case "record-no-offset": Edit(cache, c => Params(c)[1]!.AsObject().Remove("byteOffset")); break;
            case "record-negative": Edit(cache, c => Params(c)[0]!["byteOffset"] = -1); break;
            case "record-size": Edit(cache, c => Params(c)[2]!["nbytes"] = 4000); break;
        }
        var lib = Verify(folder);
        Assert.Equal(Verdict.Rejected, lib.Verdict);
        var p = Assert.Single(lib.Problems);
        Assert.Equal(code, p.Code);
        Assert.Equal("package", p.Proof);
        Assert.Contains(text, p.Message);
        Assert.False(string.IsNullOrWhiteSpace(p.Fix));
    }

    [Fact]
    public void Weights_converted_with_another_quantization_are_refused_with_the_convert_command_as_the_fix()
    {
        using var dir = new TempDir();
        var folder = Unpacked(dir);
        Edit(Path.Combine(folder, "mlc-chat-config.json"), c => c["quantization"] = "q4f16_0");
        var p = Assert.Single(Verify(folder).Problems);
        Assert.Contains("mlc_llm convert_weight and gen_config --quantization q4f16_1", p.Fix);
    }

    [Fact]
    public async Task Verify_on_a_broken_package_exits_1()
    {
        using var dir = new TempDir();
        var folder = Unpacked(dir);
        Edit(Path.Combine(folder, "mlc-chat-config.json"), c => c["context_window_size"] = 8192);
        var r = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "verify", "model");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("package-context", r.StdErr);
    }

    [Fact]
    public void The_memory_estimate_adds_parameters_the_largest_temporary_buffer_and_the_kv_cache_for_the_configured_context()
    {
        using var dir = new TempDir();
        var proven = PackageGate.Prove(Unpacked(dir), "model");
        var m = proven.Memory!;
        Assert.Equal(16 * 288 * 4 + 16 * 72 * 2 + 2304 * 2, m.ParamBytes);
        Assert.Equal(301989888, m.TemporaryBytes);
        // 256 head_dim × 26 layers × 4 KV heads × 2 bytes (f16) × 2 (K and V) × 4096 tokens.
        Assert.Equal(256L * 26 * 4 * 2 * 2 * 4096, m.KvCacheBytes);
        Assert.Equal(m.ParamBytes + m.TemporaryBytes + m.KvCacheBytes, m.TotalBytes);
    }
}
