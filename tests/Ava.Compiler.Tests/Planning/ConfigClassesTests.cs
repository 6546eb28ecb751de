using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Planning;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Tests.Planning;

/// <summary>
/// Configs are read as MLC-LLM reads them: absent fields take the model type's defaults. NOTE: the published
/// google/gemma-3-4b-it config.json could not be found verbatim in a public GitHub repository (see
/// tests/fixtures/hf-configs/PROVENANCE.md), so the sparse text_config below is written out here in the shape
/// upstream documents (MLC's "Huggingface Gemma3 configs missing fields", gemma3_model.py:25) — it is not the file.
/// </summary>
public class ConfigClassesTests
{
    private static ModelArchitecture Parse(string json) => ModelArchitecture.Parse(JsonNode.Parse(json)!.AsObject(), "config.json");

    [Fact]
    public void A_gemma3_text_config_without_heads_head_dim_and_vocab_takes_MLCs_Gemma3_defaults()
    {
        var arch = Parse("""
            {"architectures":["Gemma3ForConditionalGeneration"],"model_type":"gemma3",
             "text_config":{"hidden_size":2560,"intermediate_size":10240,"model_type":"gemma3_text","num_hidden_layers":34,
                            "rope_scaling":{"factor":8.0,"rope_type":"linear"},"sliding_window":1024},
             "vision_config":{"hidden_size":1152,"model_type":"siglip_vision_model"}}
            """);
        Assert.Equal((8, 4, 256, 262_208, 131_072), (arch.Heads, arch.KvHeads, arch.HeadDim, arch.VocabSize, arch.MaxPositionEmbeddings));
        Assert.Equal(1024, arch.SlidingWindow);
        Assert.Equal(5, arch.GlobalLayers);
    }

    [Fact]
    public void Every_default_names_the_upstream_line_it_comes_from()
    {
        const string transformers = @"^huggingface/transformers@008f5c8c:src/transformers/models/\w+/configuration_\w+\.py:\d+$";
        foreach (var c in ConfigClasses.Llm)
        foreach (var d in c.Defaults)
        {
            Assert.Matches(@"^mlc-ai/mlc-llm@7b15b196:python/mlc_llm/model/[\w/]+\.py:\d+$", d.Source);
            // Every Gemma 3 default also names the transformers line with the value Hugging Face left out of the file.
            Assert.Matches(transformers, d.Transformers);
        }
        foreach (var d in ConfigClasses.Bert.Defaults) Assert.Matches(transformers, d.Source);
        Assert.Equal(8, ConfigClasses.Gemma3.DefaultFor("num_attention_heads")!.Value);
    }

    [Fact]
    public void A_gemma2_config_missing_a_field_names_it_and_says_the_model_type_has_no_default()
    {
        var e = Assert.Throws<BadInputException>(() => Parse("""
            {"model_type":"gemma2","attention_bias":false,"rms_norm_eps":1e-06,"hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,
             "num_key_value_heads":4,"head_dim":256,"vocab_size":256000,"sliding_window":4096}
            """));
        Assert.Contains("'num_attention_heads'", e.Problem);
        Assert.Contains("Gemma2Config (model_type gemma2) has no default for it", e.Problem);
        Assert.DoesNotContain("Use the config.json that came with", e.Fix);
    }

    [Fact]
    public void A_gemma2_config_does_not_invent_a_head_dim_from_hidden_over_heads()
    {
        var e = Assert.Throws<BadInputException>(() => Parse("""
            {"model_type":"gemma2","attention_bias":false,"rms_norm_eps":1e-06,"hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,"num_attention_heads":8,
             "num_key_value_heads":4,"vocab_size":256000,"sliding_window":4096}
            """));
        Assert.Contains("'head_dim'", e.Problem);
    }

    [Fact]
    public void A_gemma2_config_without_rms_norm_eps_and_attention_bias_names_both_with_MLCs_lines()
    {
        var e = Assert.Throws<BadInputException>(() => Parse("""
            {"model_type":"gemma2","hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,"intermediate_size":9216,
             "num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"vocab_size":256000,"sliding_window":4096}
            """));
        Assert.Contains("has no 'attention_bias' or 'rms_norm_eps', and MLC-LLM's Gemma2Config (model_type gemma2) has no default for them", e.Problem);
        Assert.Contains("gemma/gemma_model.py:31", e.Problem);
    }

    [Theory]
    [InlineData("""{"model_type":"gemma2","attention_bias":false,"rms_norm_eps":1e-06,"hidden_act":"silu","hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"vocab_size":256000}""", "'silu'")]
    [InlineData("""{"model_type":"gemma2","attention_bias":false,"rms_norm_eps":1e-06,"hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"vocab_size":256000}""", "nowhere")]
    [InlineData("""{"model_type":"gemma3_text","hidden_activation":"relu","hidden_size":1152,"intermediate_size":6912,"num_hidden_layers":26}""", "'relu'")]
    public void A_gemma_config_whose_activation_is_not_GeLU_is_refused_as_MLC_refuses_it(string json, string given)
    {
        var e = Assert.Throws<BadInputException>(() => Parse(json));
        Assert.Contains($"gives the activation {given}", e.Problem);
        Assert.Contains("accepts only GeLU", e.Problem);
    }

    [Fact]
    public void A_gemma3_text_config_without_an_activation_takes_MLCs_gelu_pytorch_tanh_default() =>
        Assert.Equal(26, Parse("""{"model_type":"gemma3_text","hidden_size":1152,"intermediate_size":6912,"num_hidden_layers":26}""").Layers);

    [Fact]
    public void A_gemma3n_config_is_refused_because_MLC_has_no_such_model_type()
    {
        var e = Assert.Throws<BadInputException>(() => Parse("""{"model_type":"gemma3n","text_config":{"hidden_size":2048}}"""));
        Assert.Contains("gemma3n", e.Problem);
        Assert.Contains("mlc-ai/mlc-llm#3271", e.Problem);
    }

    [Theory]
    [InlineData("q3f16_1", 3.6)]     // groups of 40, ten int3 per uint32, one fp16 scale
    [InlineData("q4f16_1", 4.5)]
    [InlineData("q4f32_1", 5.0)]     // float32 scale
    [InlineData("q4bf16_1", 4.5)]
    public void Bits_per_weight_follow_MLCs_group_layout(string quantization, double bits) =>
        Assert.Equal(bits, MlcCatalog.Quantizations[quantization].StoredBitsPerWeight, 6);

    [Fact]
    public void q4f16_2_keeps_the_embedding_in_float16_and_fp8_block_scale_is_known()
    {
        Assert.Equal(16, MlcCatalog.Quantizations["q4f16_2"].EmbeddingBitsPerWeight);
        Assert.Equal(4.5, MlcCatalog.Quantizations["q4f16_1"].EmbeddingBitsPerWeight);
        Assert.Equal("block-scale-quant", MlcCatalog.Quantizations["fp8_e4m3fn_bf16_block_scale"].Kind);
    }
}
