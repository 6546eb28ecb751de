using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain.Smoke;

namespace Ava.Compiler.Tests.Toolchain.Smoke;

public class TinyModelTests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0.0f, 0x0000)]
    [InlineData(1.00390625f, 0x3F80)] // 1 + 2^-8: exactly halfway between 0x3F80 and 0x3F81, ties to the even 0x3F80
    [InlineData(1.01171875f, 0x3F82)] // 1 + 3·2^-8: halfway between 0x3F81 and 0x3F82, ties to the even 0x3F82
    [InlineData(1.004f, 0x3F81)] // just above the halfway point rounds up
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(3.4028235e38f, 0x7F80)] // float.MaxValue rounds to infinity, as torch does
    public void A_float_becomes_the_nearest_bfloat16_with_ties_to_even(float value, int expected) =>
        Assert.Equal((ushort)expected, BFloat16.FromSingle(value));

    [Fact]
    public void A_NaN_stays_a_NaN_instead_of_rounding_into_infinity()
    {
        var bits = BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x7FFFFFFF));
        Assert.True(float.IsNaN(BFloat16.ToSingle(bits)));
    }

    [Fact]
    public void The_tiny_model_has_every_tensor_mlc_s_gemma3_loader_maps_in_bf16_with_contiguous_offsets()
    {
        using var dir = new TempDir("tiny");
        var tokenizer = TinyGemmaModel.Create(dir.Path, tokenizerSource: null);
        Assert.Contains("minimal", tokenizer);

        using var header = JsonDocument.Parse(SafetensorsWriter.ReadHeader(dir["model.safetensors"]));
        var tensors = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.Equal(2 + 13 * TinyGemmaModel.Layers, tensors.Count);
        foreach (var name in new[] { "model.embed_tokens.weight", "model.norm.weight", "model.layers.1.self_attn.q_norm.weight", "model.layers.0.pre_feedforward_layernorm.weight", "model.layers.1.mlp.gate_proj.weight" })
            Assert.Contains(tensors, t => t.Name == name);
        Assert.DoesNotContain(tensors, t => t.Name.StartsWith("lm_head", StringComparison.Ordinal));
        long end = 0;
        foreach (var t in tensors)
        {
            Assert.Equal("BF16", t.Value.GetProperty("dtype").GetString());
            var offsets = t.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.Equal(end, offsets[0]);
            Assert.Equal(t.Value.GetProperty("shape").EnumerateArray().Aggregate(2L, (a, d) => a * d.GetInt64()), offsets[1] - offsets[0]);
            end = offsets[1];
        }
        var fileBytes = new FileInfo(dir["model.safetensors"]).Length;
        var headerBytes = BitConverter.ToUInt64(File.ReadAllBytes(dir["model.safetensors"]).AsSpan(0, 8));
        Assert.Equal(0UL, headerBytes % 8);
        Assert.Equal(fileBytes, 8 + (long)headerBytes + end);

        using var config = JsonDocument.Parse(File.ReadAllText(dir["config.json"]));
        Assert.Equal("gemma3_text", config.RootElement.GetProperty("model_type").GetString());
        Assert.Equal(MinimalTokenizer.VocabSize, config.RootElement.GetProperty("vocab_size").GetInt32());
        using var tok = JsonDocument.Parse(File.ReadAllText(dir["tokenizer.json"]));
        Assert.Equal(106, tok.RootElement.GetProperty("model").GetProperty("vocab").GetProperty("<end_of_turn>").GetInt32());
    }

    [Fact]
    public void A_tensor_whose_bytes_do_not_match_its_shape_is_refused()
    {
        using var dir = new TempDir("tiny");
        var e = Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(dir["bad.safetensors"], [new SafetensorsTensor("w", "BF16", [4, 4], new byte[30])]));
        Assert.Contains("needs 32", e.Message);
        Assert.False(File.Exists(dir["bad.safetensors"]));
    }

    [Fact]
    public void A_cached_tokenizer_is_copied_and_sets_the_vocab_size()
    {
        using var dir = new TempDir("tiny");
        dir.Write("snapshot/tokenizer.json", """{"model":{"type":"BPE","vocab":{"a":0,"b":1}},"added_tokens":[{"id":299,"content":"<x>"}]}""");
        dir.Write("snapshot/tokenizer_config.json", "{}");
        var source = TinyGemmaModel.Create(dir["model"], dir["snapshot"]);
        Assert.Equal(dir["snapshot"], source);
        Assert.True(File.Exists(dir["model/tokenizer_config.json"]));
        using var config = JsonDocument.Parse(File.ReadAllText(dir["model/config.json"]));
        Assert.Equal(300, config.RootElement.GetProperty("vocab_size").GetInt32());
    }

    [Theory]
    [InlineData("Traceback (most recent call last):|  File \"x.py\", line 1|ModuleNotFoundError: No module named 'torch'|# exit 1 after 0.1 s", "ModuleNotFoundError: No module named 'torch'")]
    [InlineData("tvm.error.InternalError: Check failed: (x) is false: boom|some trailing note", "tvm.error.InternalError: Check failed: (x) is false: boom")]
    [InlineData("no exception here|last words", "last words")]
    public void The_last_python_error_line_is_found_in_a_step_log(string log, string expected) =>
        Assert.Equal(expected, SmokeDiagnosis.LastErrorLine(log.Split('|')));
}
