using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Onnx;
using Ava.Compiler.Planning;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Planning;

/// <summary>
/// The .AON path's BERT config, read as transformers' BertConfig reads it, against the published all-MiniLM-L6-v2
/// config.json (tests/fixtures/hf-configs/PROVENANCE.md: 612 bytes, Hub git blob 72b987fd…).
/// </summary>
public class BertConfigTests
{
    private static readonly string Published =
        RepoPaths.Combine("tests", "fixtures", "hf-configs", "sentence-transformers--all-MiniLM-L6-v2", "config.json");

    private static JsonObject PublishedJson() => JsonNode.Parse(File.ReadAllText(Published))!.AsObject();

    [Fact]
    public void The_MiniLM_fixture_is_the_Hub_file_byte_for_byte()
    {
        var bytes = File.ReadAllBytes(Published);
        // Git's blob id: SHA-1 over "blob <size>\0" + the bytes, which is how the Hub names the file.
        var blobId = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));
        Assert.Equal((612, "72b987fd805cfa2b58c4c8c952b274a11bfd5a00"), (bytes.Length, blobId));
    }

    [Fact]
    public void The_published_MiniLM_config_reads_as_MiniLMs_sizes_with_no_default_used()
    {
        var arch = BertArchitecture.Load(Published);
        Assert.Equal((384, 6, 12, 1536, 30_522, 512), (arch.HiddenSize, arch.Layers, arch.Heads, arch.IntermediateSize, arch.VocabSize, arch.MaxPositionEmbeddings));
        Assert.Empty(arch.Defaulted);
    }

    [Fact]
    public void A_MiniLM_config_without_hidden_size_takes_BertConfigs_768_and_records_that_it_did()
    {
        var json = PublishedJson();
        json.Remove("hidden_size");
        var arch = BertArchitecture.Parse(json, "config.json");
        Assert.Equal(768, arch.HiddenSize);
        var d = Assert.Single(arch.Defaulted);
        Assert.Equal(("hidden_size", "huggingface/transformers@008f5c8c:src/transformers/models/bert/configuration_bert.py:102"), (d.Field, d.Source));
    }

    [Fact]
    public void A_config_that_is_not_BERT_is_refused_naming_its_model_type()
    {
        var e = Assert.Throws<BadInputException>(() => BertArchitecture.Parse(
            JsonNode.Parse("""{"model_type":"gemma3_text","hidden_size":1152}""")!.AsObject(), "config.json"));
        Assert.Contains("'gemma3_text' model", e.Problem);
        Assert.Contains("BertConfig", e.Problem);
    }

    [Fact]
    public void The_published_config_agrees_with_the_embedded_MiniLM_model_and_the_same_config_without_hidden_size_does_not()
    {
        using var dir = new TempDir("bert-config");
        var extracted = EmbeddedMiniLm.Extract(dir.Path);
        var signature = ModelSignature.Of(OnnxModelFile.Load(extracted.ModelPath));
        var vocab = File.ReadLines(extracted.VocabPath).Count(l => l.Length > 0);

        EmbeddingConfigCheck.Check(BertArchitecture.Load(Published), Published, signature, vocab);

        var json = PublishedJson();
        json.Remove("hidden_size");
        var e = Assert.Throws<BadInputException>(() =>
            EmbeddingConfigCheck.Check(BertArchitecture.Parse(json, "config.json"), "config.json", signature, vocab));
        Assert.Contains("hidden_size 768 (the file has no 'hidden_size', so this is BertConfig's default, huggingface/transformers@008f5c8c:src/transformers/models/bert/configuration_bert.py:102)", e.Problem);
        // The export leaves the token-level output's width symbolic; the pooler output '924' states it.
        Assert.Contains("output '924' is 384 wide", e.Problem);
    }
}
