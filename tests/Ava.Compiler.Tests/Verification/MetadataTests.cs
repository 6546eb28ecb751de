using Ava.Compiler.Binary;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>The library's own MLC-LLM metadata, read from the packed blob in every library form alc verify reads.</summary>
public class MetadataTests
{
    private static Task<AlcResult> Alc(string dir, params string[] args) => AlcRun.RunAsync(dir, null, args);

    private static LibraryResult One(string path) => Assert.Single(Verifier.Verify([path], new VerifyOptions()).Libraries);

    [Theory]
    [InlineData("v022-android.tar")]               // gzip tar, as mlc_llm compile writes it
    [InlineData("v022-android-package.ALM")]       // uncompressed tar package
    [InlineData("v022-android-appledouble.ALM")]   // with AppleDouble members
    [InlineData("libmodel_android-gnu.a")]         // GNU ar
    [InlineData("libmodel_android-bsd.a")]         // BSD ar
    [InlineData("nested.tar")]                     // gzip tar holding an ar
    [InlineData("v022-android-model.so")]          // shared object: the blob found through its section address
    [InlineData("v022-macos-arm64.tar")]           // Mach-O objects
    public void Every_library_form_yields_the_metadata_of_its_device_object(string fixture)
    {
        var m = One(Fixtures.Tvm(fixture)).Metadata;
        Assert.NotNull(m);
        Assert.Equal(("gemma2", "q4f16_1", 4096L, 4096L, 1024L, 3), (m.ModelType, m.Quantization, m.ContextWindowSize, m.SlidingWindowSize, m.PrefillChunkSize, m.ParamCount));
        Assert.Equal(301989888, m.MaxTemporaryBytes);
        Assert.Equal(new KvCacheShape(26, 8, 4, 256), m.KvCache);
    }

    [Fact]
    public void The_metadata_is_read_from_the_device_object_alone_too()
    {
        using var dir = new TempDir();
        var devc = BlobObjects.Devc(dir["o"], BlobObjects.GemmaMetadata());
        var m = Assert.Single(ArtifactReader.Read(devc)).Object!.Blob!;
        Assert.Equal("import-tree-first", m.Layout);
        Assert.Equal(["relax.VMExecutable", "_lib", "opencl"], m.ModuleKeys);
        Assert.Null(m.Damage);
        Assert.Equal(BlobObjects.GemmaMetadata().Trim(), m.Executable!.MetadataJson);
    }

    [Fact]
    public void A_2024_blob_in_the_key_count_layout_with_relax_constant_codes_is_read()
    {
        using var dir = new TempDir();
        var devc = BlobObjects.Devc(dir["o"], BlobObjects.GemmaMetadata(), layout: "old", prefix: "gemma_q4f16_1_");
        var blob = Assert.Single(ArtifactReader.Read(devc)).Object!.Blob!;
        Assert.Equal(("key-count", "gemma_q4f16_1___tvm_dev_mblob"), (blob.Layout, blob.Symbol));
        Assert.Equal(["relax.Executable", "_lib", "opencl"], blob.ModuleKeys);
        Assert.Equal("gemma2", ModelMetadata.Parse(blob.Executable!.MetadataJson!).ModelType);
    }

    [Fact]
    public void Parameter_bytes_are_resolved_from_the_package_config_and_left_open_without_one()
    {
        Assert.Null(One(Fixtures.Tvm("v022-android.tar")).Metadata!.ParamBytes);
        Assert.Equal(["vocab_size"], One(Fixtures.Tvm("v022-android.tar")).Metadata!.UnresolvedDims);
        // vocab_size 16: 16×288 uint32 + 16×72 float16 + 2304 float16 (the package fixture's config).
        Assert.Equal(16 * 288 * 4 + 16 * 72 * 2 + 2304 * 2, One(Fixtures.Tvm("v022-android-package.ALM")).Metadata!.ParamBytes);
    }

    [Fact]
    public async Task Verify_shows_model_type_quantization_context_prefill_and_parameters_in_the_table_json_and_report()
    {
        using var dir = new TempDir();
        var r = await Alc(Fixtures.Tvm(""), "verify", "v022-android-package.ALM", "--report", dir["report"]);
        Assert.Equal(0, r.ExitCode);
        var flat = string.Join(" ", r.StdErr.Split('\n').Select(l => l.Trim('│', ' ')));
        Assert.Contains("gemma2 q4f16_1", flat);
        Assert.Contains("package proof:", flat);
        var md = File.ReadAllText(Path.Combine(dir["report"], "verification-report.md"));
        Assert.Contains("model\\_type `gemma2`, quantization `q4f16_1`, context\\_window\\_size 4096", md);
        Assert.Contains("3 parameters (30.0 KiB)".Replace("30.0 KiB", LibraryMetadata.Bytes(16 * 288 * 4 + 16 * 72 * 2 + 2304 * 2)), md);

        var j = await Alc(Fixtures.Tvm(""), "verify", "v022-android-package.ALM", "--json");
        using var doc = j.Json();
        var m = doc.RootElement.GetProperty("libraries")[0].GetProperty("metadata");
        Assert.Equal("gemma2", m.GetProperty("modelType").GetString());
        Assert.Equal("q4f16_1", m.GetProperty("quantization").GetString());
        Assert.Equal(4096, m.GetProperty("contextWindowSize").GetInt64());
        Assert.Equal(1024, m.GetProperty("prefillChunkSize").GetInt64());
        Assert.Equal(3, m.GetProperty("paramCount").GetInt32());
        Assert.Empty(RegistrySchemasValidate(doc.RootElement.GetRawText()));
    }

    [Fact]
    public void A_library_without_metadata_says_so_and_is_not_rejected_for_it()
    {
        var lib = One(Fixtures.Tvm("v022-android-workspace.tar"));
        Assert.Equal(Verdict.Accepted, lib.Verdict);
        Assert.Null(lib.Metadata);
        Assert.Contains("no _metadata function", lib.MetadataNote);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "not JSON", "{\"model_type\": \"gemma2\", ", "not valid JSON" },
        { "no params", "{\"model_type\": \"gemma2\", \"quantization\": \"q4f16_1\", \"context_window_size\": 4096, \"prefill_chunk_size\": 1024}", "has no \"params\"" },
        { "quantization a number", "{\"model_type\": \"gemma2\", \"quantization\": 4, \"context_window_size\": 4096, \"prefill_chunk_size\": 1024, \"params\": []}", "\"quantization\" is a number" },
        { "bad shape", "{\"model_type\": \"g\", \"quantization\": \"q\", \"context_window_size\": 1, \"prefill_chunk_size\": 1, \"params\": [{\"name\": \"w\", \"shape\": [-3], \"dtype\": \"float16\"}]}", "neither a size nor a symbolic name" },
        { "an array", "[1, 2, 3]", "not an object" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_metadata_is_a_clear_problem_with_exit_1_not_a_crash(string what, string json, string expected)
    {
        using var dir = new TempDir();
        BlobObjects.Devc(dir["lib"], json, raw: true);
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), Path.Combine(dir["lib"], "lib0.o"));
        File.Delete(Path.Combine(dir["lib"], "metadata.json"));
        var r = await Alc(dir.Path, "verify", "lib", "--json");
        Assert.True(r.ExitCode == 1, $"{what}: exit {r.ExitCode}: {r.StdErr}");
        using var doc = r.Json();
        var p = doc.RootElement.GetProperty("libraries")[0].GetProperty("problems").EnumerateArray().Single(x => x.GetProperty("code").GetString() == "malformed-metadata");
        Assert.Contains(expected, p.GetProperty("message").GetString());
        Assert.Contains("Compile the model again", p.GetProperty("fix").GetString());
    }

    [Fact]
    public void A_blob_whose_length_header_lies_is_malformed_metadata_not_bad_input()
    {
        using var dir = new TempDir();
        var devc = BlobObjects.Devc(dir["o"], BlobObjects.GemmaMetadata());
        var bytes = File.ReadAllBytes(devc);
        // The blob starts with its u64 length; find it through the symbol and make it claim more than the symbol holds.
        var blob = Assert.Single(ArtifactReader.Read(bytes, "devc.o")).Object!.Blob!;
        Assert.Null(blob.Damage);
        // Before the first key: the blob length, row_ptr (count + 4) and children (count + 2), then the key's length.
        var at = IndexOf(bytes, "relax.VMExecutable"u8.ToArray()) - 8 - 8 * (1 + 4) - 8 * (1 + 2) - 8;
        BitConverter.GetBytes((ulong)bytes.Length * 2).CopyTo(bytes, at);
        var damaged = Assert.Single(ArtifactReader.Read(bytes, "devc.o")).Object!.Blob!;
        Assert.Contains("the blob claims", damaged.Damage);
        var read = MetadataReader.Read(ArtifactReader.Read(bytes, "devc.o"));
        Assert.Equal("malformed-metadata", read.Problem!.Code);
    }

    private static int IndexOf(byte[] data, byte[] needle) => data.AsSpan().IndexOf(needle);

    /// <summary>The one loaded copy of the report schema (a second load of the same $id is refused by JsonSchema.Net).</summary>
    private static IReadOnlyList<string> RegistrySchemasValidate(string json)
    {
        var result = VerificationReportTests.Validate(System.Text.Json.Nodes.JsonNode.Parse(json)!);
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
    }
}
