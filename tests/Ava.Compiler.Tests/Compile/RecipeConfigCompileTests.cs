using System.Text.Json;
using Ava.Compiler.Planning;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// Each LLM recipe compiles (stand-in MLC) from a config.json in its checkpoint's shape: the Gemma 3 4B text_config
/// without heads, head_dim or vocab (filled by Gemma3TextConfig's defaults), the Gemma 3 1B and Gemma 2 2B configs with
/// their numbers (mlc-tvm.md §11). NOTE: these are written here, not the published files, which could not be found
/// verbatim (tests/fixtures/hf-configs/PROVENANCE.md). The weights must match the config, as MLC's convert_weight and
/// the package proof require (library metadata vs tensor-cache.json): the three sizes that only scale the weights
/// (hidden_size, intermediate_size, num_hidden_layers) are shrunk to TinyGemma's, every other field stays as written
/// (and every field the checkpoint leaves out stays out, filled by the class defaults), and the weights are written in
/// that shape.
/// </summary>
public class RecipeConfigCompileTests
{
    private const string Gemma2_2B = """
            {"architectures":["Gemma2ForCausalLM"],"model_type":"gemma2","attention_bias":false,"hidden_activation":"gelu_pytorch_tanh",
             "rms_norm_eps":1e-06,"hidden_size":2304,"intermediate_size":9216,
             "num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"vocab_size":256000,
             "sliding_window":4096,"max_position_embeddings":8192,"query_pre_attn_scalar":256,"torch_dtype":"bfloat16"}
            """;

    public static TheoryData<string, string, string> Recipes => new()
    {
        { "gemma3-4b", "AVA-GE3-4B16", """
            {"architectures":["Gemma3ForConditionalGeneration"],"boi_token_index":255999,"eoi_token_index":256000,"eos_token_id":[1,106],
             "image_token_index":262144,"initializer_range":0.02,"mm_tokens_per_image":256,"model_type":"gemma3",
             "text_config":{"hidden_size":2560,"intermediate_size":10240,"model_type":"gemma3_text","num_hidden_layers":34,
                            "rope_scaling":{"factor":8.0,"rope_type":"linear"},"sliding_window":1024},
             "torch_dtype":"bfloat16","vision_config":{"hidden_size":1152,"model_type":"siglip_vision_model"}}
            """ },
        { "gemma3-1b", "AVA-GE3-1B16", """
            {"architectures":["Gemma3ForCausalLM"],"model_type":"gemma3_text","hidden_size":1152,"intermediate_size":6912,
             "num_hidden_layers":26,"num_attention_heads":4,"num_key_value_heads":1,"head_dim":256,"vocab_size":262144,
             "sliding_window":512,"max_position_embeddings":32768,"rope_theta":1000000,"torch_dtype":"bfloat16"}
            """ },
        { "gemma2-2b", "AVA-GE2-2B16", Gemma2_2B },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task Each_recipe_compiles_from_a_config_in_its_checkpoint_s_shape(string recipe, string avaName, string config)
    {
        using var h = new CompileHarness();
        var node = System.Text.Json.Nodes.JsonNode.Parse(config)!.AsObject();
        var text = node["text_config"]?.AsObject() ?? node;
        text["hidden_size"] = 64;
        text["intermediate_size"] = 128;
        text["num_hidden_layers"] = 2;
        File.WriteAllText(Path.Combine(h.Model, "config.json"), node.ToJsonString());
        // Gemma3TextConfig's defaults for the fields the 4B text_config leaves out (ConfigClasses.Gemma3); gemma2 has none.
        int Field(string name) => text[name]?.GetValue<int>() ?? ConfigClasses.Gemma3.DefaultFor(name)!.Value;
        TinyGemma.WriteWeightsFor(h.Model, 64, 128, 2, Field("num_attention_heads"), Field("num_key_value_heads"), Field("head_dim"), Field("vocab_size"));
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(),
            "compile", recipe, "--target", "android", "--source", h.Model, "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor", "--json");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdErr}");
        Assert.True(File.Exists(Path.Combine(h.Dist, avaName + ".ALM")));
        var chat = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.Dist, "models", "llm", avaName, "mlc-chat-config.json"))).RootElement;
        Assert.Equal(recipe == "gemma2-2b" ? 4096 : 8192, chat.GetProperty("context_window_size").GetInt32());
    }

    [Fact]
    public async Task A_gemma2_config_without_num_attention_heads_stops_the_compile_naming_the_field_and_the_missing_default()
    {
        using var h = new CompileHarness();
        // The Gemma 2 2B shape above with num_attention_heads left out: MLC's GemmaConfig has no default for it.
        var node = System.Text.Json.Nodes.JsonNode.Parse(Gemma2_2B)!.AsObject();
        node.Remove("num_attention_heads");
        node["hidden_size"] = 64;
        node["intermediate_size"] = 128;
        node["num_hidden_layers"] = 2;
        File.WriteAllText(Path.Combine(h.Model, "config.json"), node.ToJsonString());
        TinyGemma.WriteWeightsFor(h.Model, 64, 128, 2, 8, 4, 256, 256_000);
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(),
            "compile", "gemma2-2b", "--target", "android", "--source", h.Model, "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor", "--json");

        Assert.Equal(2, r.ExitCode);
        var error = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("error");
        Assert.Contains("has no 'num_attention_heads'", error.GetProperty("problem").GetString());
        Assert.Contains("Gemma2Config (model_type gemma2) has no default for it", error.GetProperty("problem").GetString());
        Assert.False(File.Exists(Path.Combine(h.Dist, "AVA-GE2-2B16.ALM")));
    }
}
