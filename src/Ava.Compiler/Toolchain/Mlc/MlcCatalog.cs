namespace Ava.Compiler.Toolchain.Mlc;

/// <summary>
/// Facts about MLC-LLM at the pinned commit (7b15b196, the TVM v0.22.0 era), read from its source
/// (python/mlc_llm/model/model.py, quantization/quantization.py, conversation_template/gemma.py, cli/*.py).
/// alc checks recipes and options against these before it downloads anything.
/// </summary>
public static class MlcCatalog
{
    public const string PinnedCommit = "7b15b196";

    /// <summary>Quantization names and their kind in QUANTIZATION at the pinned commit.</summary>
    public static readonly IReadOnlyDictionary<string, QuantizationInfo> Quantizations = new[]
    {
        new QuantizationInfo("q0f16", "no-quant", WeightBits: 16, ActivationDtype: "float16", Layout: null),
        new QuantizationInfo("q0bf16", "no-quant", 16, "bfloat16", null),
        new QuantizationInfo("q0f32", "no-quant", 32, "float32", null),
        // q3: groups of 40, ten int3 per uint32 (quantization.py:47-67, group_quantization.py:57-60).
        new QuantizationInfo("q3f16_0", "group-quant", 3, "float16", 0, GroupSize: 40),
        new QuantizationInfo("q3f16_1", "group-quant", 3, "float16", 1, GroupSize: 40),
        new QuantizationInfo("q4f16_0", "group-quant", 4, "float16", 0),
        new QuantizationInfo("q4f16_1", "group-quant", 4, "float16", 1),
        new QuantizationInfo("q4bf16_0", "group-quant", 4, "bfloat16", 0),
        new QuantizationInfo("q4bf16_1", "group-quant", 4, "bfloat16", 1),
        new QuantizationInfo("q4f32_1", "group-quant", 4, "float32", 1),
        // quantize_embedding=False, quantize_final_fc=False (quantization.py:132-133).
        new QuantizationInfo("q4f16_2", "group-quant", 4, "float16", 2, QuantizeEmbedding: false),
        new QuantizationInfo("q4f16_autoawq", "awq", 4, "float16", null),
        new QuantizationInfo("q4f16_ft", "ft-quant", 4, "float16", null),
        // The fp8 schemes keep the embedding and final fc unquantized (quantization.py:157-158, 169-170, 182-183).
        new QuantizationInfo("e5m2_e5m2_f16", "per-tensor-quant", 8, "float16", null, QuantizeEmbedding: false),
        new QuantizationInfo("e4m3_e4m3_f16", "per-tensor-quant", 8, "float16", null, QuantizeEmbedding: false),
        new QuantizationInfo("e4m3_e4m3_f16_max_calibrate", "per-tensor-quant", 8, "float16", null, QuantizeEmbedding: false),
        new QuantizationInfo("fp8_e4m3fn_bf16_block_scale", "block-scale-quant", 8, "bfloat16", null), // quantization.py:188-193
    }.ToDictionary(q => q.Name, StringComparer.Ordinal);

    /// <summary>Names people expect but MLC does not have at the pinned commit, with the reason (checked before any download).</summary>
    public static readonly IReadOnlyDictionary<string, string> MissingQuantizations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["q8f16_1"] = "MLC-LLM at the pinned commit 7b15b196 has no 8-bit weight quantization: q8f16_1 existed only in the legacy 2023 " +
                      "build flow and is not in QUANTIZATION (python/mlc_llm/quantization/quantization.py), so 'mlc_llm convert_weight' " +
                      "rejects it with \"invalid choice\"",
    };

    /// <summary>Model types alc has recipes and verified facts for, with the quantize kinds each registers.</summary>
    public static readonly IReadOnlyDictionary<string, ModelTypeInfo> ModelTypes = new[]
    {
        new ModelTypeInfo("gemma", ["no-quant", "group-quant"], ContextRule.Configurable),
        new ModelTypeInfo("gemma2", ["no-quant", "group-quant"], ContextRule.ForcedToSlidingWindow),
        new ModelTypeInfo("gemma3", ["no-quant", "group-quant"], ContextRule.AtLeastSlidingWindowOr8192),
        new ModelTypeInfo("gemma3_text", ["no-quant", "group-quant"], ContextRule.AtLeastSlidingWindowOr8192),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>Model types MLC does not have at all, with the upstream issue that tracks them.</summary>
    public static readonly IReadOnlyDictionary<string, string> MissingModelTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gemma3n"] = "MLC-LLM has no 'gemma3n' model type in any branch (feature request mlc-ai/mlc-llm#3271, " +
                      "https://github.com/mlc-ai/mlc-llm/issues/3271); 'mlc_llm convert_weight' fails with \"Unknown model type: gemma3n\"",
    };

    /// <summary>Conversation templates in CONV_TEMPLATES that the Gemma recipes use, with their stop tokens.</summary>
    public static readonly IReadOnlyDictionary<string, string> ConversationTemplates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gemma_instruction"] = "<start_of_turn>user / <start_of_turn>model, stop_token_ids [1, 107]",
        ["gemma3_instruction"] = "<start_of_turn>user / <start_of_turn>model, stop_token_ids [1, 106]",
    };

    /// <summary>The quantizations a model type accepts: those whose kind the model registers.</summary>
    public static IEnumerable<string> QuantizationsFor(string modelType) =>
        ModelTypes.TryGetValue(modelType, out var m)
            ? Quantizations.Values.Where(q => m.QuantizeKinds.Contains(q.Kind)).Select(q => q.Name)
            : [];
}

/// <param name="Layout">The "_N" layout suffix of group quantizations; null for the others.</param>
/// <param name="GroupSize">Weights per group (group quantizations): 32, or 40 for q3.</param>
/// <param name="QuantizeEmbedding">False when the scheme keeps the embedding (and final fc) in the model's float type.</param>
public sealed record QuantizationInfo(string Name, string Kind, int WeightBits, string ActivationDtype, int? Layout, int GroupSize = 32,
    bool QuantizeEmbedding = true)
{
    /// <summary>Width of the model's float type (float16/bfloat16: 16, float32: 32), which is also the scale's.</summary>
    public int FloatBits => ActivationDtype == "float32" ? 32 : 16;

    /// <summary>
    /// Bits stored per quantized weight. Group quantization packs 32 / bits weights per uint32 (10 for int3) and
    /// stores one scale of the model's float type per group (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/quantization/group_quantization.py:57-60).
    /// </summary>
    public double StoredBitsPerWeight
    {
        get
        {
            if (Kind != "group-quant") return WeightBits;
            var perStorage = 32 / WeightBits;
            var storageBits = (GroupSize + perStorage - 1) / perStorage * 32;
            return (storageBits + FloatBits) / (double)GroupSize;
        }
    }

    /// <summary>Bits per embedding weight: quantized like the rest, or left in the model's float type.</summary>
    public double EmbeddingBitsPerWeight => QuantizeEmbedding ? StoredBitsPerWeight : FloatBits;
}

public sealed record ModelTypeInfo(string Name, IReadOnlyList<string> QuantizeKinds, ContextRule Context);

/// <summary>How MLC's model config treats context_window_size for a model type.</summary>
public enum ContextRule
{
    /// <summary>The requested value is used.</summary>
    Configurable,

    /// <summary>Gemma 2: Gemma2Config.__post_init__ resets it to sliding_window on every rebuild, overrides included.</summary>
    ForcedToSlidingWindow,

    /// <summary>Gemma 3: max(sliding_window, 8192) by default; the top-level override is honoured.</summary>
    AtLeastSlidingWindowOr8192,
}
