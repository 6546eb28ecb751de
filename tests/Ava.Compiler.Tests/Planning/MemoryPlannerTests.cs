using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Planning;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Tests.Planning;

public class MemoryPlannerTests
{
    // The published config.json numbers of the checkpoints the recipes target (mlc-tvm.md §11).
    private static ModelArchitecture Gemma2_2B() => ModelArchitecture.Parse(JsonNode.Parse("""
        {"model_type":"gemma2","attention_bias":false,"rms_norm_eps":1e-06,"hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,"intermediate_size":9216,"num_hidden_layers":26,"num_attention_heads":8,
         "num_key_value_heads":4,"head_dim":256,"vocab_size":256000,"sliding_window":4096,"max_position_embeddings":8192}
        """)!.AsObject(), "gemma-2-2b-it");

    private static ModelArchitecture Gemma3_4B() => ModelArchitecture.Parse(JsonNode.Parse("""
        {"model_type":"gemma3","text_config":{"model_type":"gemma3_text","hidden_size":2560,"intermediate_size":10240,
         "num_hidden_layers":34,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"sliding_window":1024,
         "max_position_embeddings":131072},"vision_config":{"hidden_size":1152}}
        """)!.AsObject(), "gemma-3-4b-it");

    private static readonly QuantizationInfo Q4 = MlcCatalog.Quantizations["q4f16_1"];

    [Fact]
    public void Gemma2_context_is_the_4096_sliding_window_and_is_not_passed_to_MLC()
    {
        var plan = MemoryPlanner.Plan(Gemma2_2B(), Q4, ContextRule.ForcedToSlidingWindow, 4096, null, 256);

        Assert.Equal(4096, plan.ContextWindowSize);
        Assert.False(plan.PassContextWindow);
        Assert.Equal(106_496L * 4096, plan.KvCacheBytes);
        // ~2.6 B parameters at 4.5 bits: within MLC's own 3,000,000,000-byte estimate for the whole model.
        Assert.InRange(plan.Parameters, 2_500_000_000, 2_700_000_000);
        Assert.InRange(plan.EstimatedVramBytes, 1_500_000_000, 3_000_000_000);
    }

    [Fact]
    public void A_Gemma2_context_request_is_refused_with_MLCs_reason()
    {
        var e = Assert.Throws<BadInputException>(() => MemoryPlanner.Plan(Gemma2_2B(), Q4, ContextRule.ForcedToSlidingWindow, 4096, 8192, null));
        Assert.Contains("Gemma2Config resets context_window_size", e.Problem);
    }

    [Fact]
    public void Gemma3_reads_the_text_config_and_defaults_to_max_of_sliding_window_and_8192()
    {
        var arch = Gemma3_4B();
        Assert.Equal(262208, arch.VocabSize);
        Assert.Equal(5, arch.GlobalLayers);

        var plan = MemoryPlanner.Plan(arch, Q4, ContextRule.AtLeastSlidingWindowOr8192, 6144, null, 256);

        Assert.Equal(8192, plan.ContextWindowSize);
        Assert.True(plan.PassContextWindow);
        Assert.Equal(139_264L * 8192, plan.KvCacheBytes);
        Assert.Equal(139_264L / 34 * (5 * 8192L + 29 * 1024L), plan.KvCacheSlidingBytes);
        Assert.InRange(plan.Parameters, 3_800_000_000, 3_950_000_000);
    }

    [Fact]
    public void A_small_budget_lowers_the_default_context_and_says_so()
    {
        var full = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 6144, null, 256);
        var budgetMb = (int)((full.WeightBytes + full.KvCacheBytes / 3) >> 20);

        var plan = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, budgetMb, null, 256);

        Assert.True(plan.ContextWindowSize < 8192);
        Assert.True(plan.EstimatedVramBytes <= (long)budgetMb << 20);
        Assert.Contains(plan.Notes, n => n.Contains("to fit the"));
    }

    [Fact]
    public void A_requested_context_that_does_not_fit_is_refused_not_shrunk()
    {
        var e = Assert.Throws<BadInputException>(() => MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 2600, 32768, 256));
        Assert.Contains("more than the recipe's device budget of 2600 MiB", e.Problem);
    }

    [Fact]
    public void Unquantized_weights_cost_16_bits_each()
    {
        var q0 = MemoryPlanner.Plan(Gemma3_4B(), MlcCatalog.Quantizations["q0f16"], ContextRule.AtLeastSlidingWindowOr8192, 16384, null, null);
        var q4 = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 16384, null, null);
        Assert.Equal(16.0 / 4.5, (double)q0.WeightBytes / q4.WeightBytes, 3);
    }

    [Fact]
    public void A_gemma2_sliding_window_override_is_ignored_as_MLC_ignores_it()
    {
        var plain = MemoryPlanner.Plan(Gemma2_2B(), Q4, ContextRule.ForcedToSlidingWindow, 4096, null, 256);
        var overridden = MemoryPlanner.Plan(Gemma2_2B(), Q4, ContextRule.ForcedToSlidingWindow, 4096, null, 256, slidingWindowOverride: 2048);
        Assert.Equal(plain.ContextWindowSize, overridden.ContextWindowSize);
        Assert.Equal(plain.EstimatedVramBytes, overridden.EstimatedVramBytes);
        Assert.Contains(overridden.Notes, n => n.Contains("sliding_window_size 2048 ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Temporaries_count_a_decode_step_of_MLCs_default_128_sequences()
    {
        var one = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 6144, null, 256, maxBatchSize: 1);
        var byDefault = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 6144, null, 256);
        // 128 sequences × fp32 logits over 262,208 tokens alone are 134 MB.
        Assert.True(byDefault.TemporaryBytes >= 128L * 262_208 * 4, $"{byDefault.TemporaryBytes}");
        Assert.True(byDefault.TemporaryBytes > one.TemporaryBytes);
        Assert.Contains(byDefault.Notes, n => n.Contains("decode step of 128 sequences", StringComparison.Ordinal));
    }

    [Fact]
    public void q4f16_2_weighs_more_than_q4f16_1_because_its_embedding_stays_float16()
    {
        var q41 = MemoryPlanner.Plan(Gemma3_4B(), Q4, ContextRule.AtLeastSlidingWindowOr8192, 8192, null, 256);
        var q42 = MemoryPlanner.Plan(Gemma3_4B(), MlcCatalog.Quantizations["q4f16_2"], ContextRule.AtLeastSlidingWindowOr8192, 8192, null, 256);
        var embedding = 262_208L * 2560;
        Assert.InRange(q42.WeightBytes - q41.WeightBytes - (long)Math.Round(embedding * (16 - 4.5) / 8), -2L, 2L);
    }
}
