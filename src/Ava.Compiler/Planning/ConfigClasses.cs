namespace Ava.Compiler.Planning;

/// <summary>One default a config class fills in when config.json leaves the field out, with the upstream line.</summary>
public sealed record ConfigDefault(string Field, int Value, string Source);

/// <summary>
/// How MLC-LLM reads a Hugging Face config.json of one <c>model_type</c>: which fields it fills with defaults when they
/// are absent (Hugging Face drops fields equal to transformers' defaults when it saves a config, so the published
/// google/gemma-3-4b-it text_config has no num_attention_heads). A field that is absent and has no default here has no
/// default upstream either: MLC fails on it too.
/// </summary>
/// <param name="TextConfigKey">Where the language model's fields live (<c>text_config</c> for multimodal checkpoints).</param>
/// <param name="Unsupported">Why MLC-LLM at the pin cannot build this model type at all.</param>
public sealed record ConfigClass(string Name, string ModelType, IReadOnlyList<ConfigDefault> Defaults, string? TextConfigKey = null,
    string? Unsupported = null)
{
    public ConfigDefault? DefaultFor(string field) => Defaults.FirstOrDefault(d => d.Field == field);
}

/// <summary>The config classes alc reads, as data. Sources: MLC-LLM's dataclasses at the pin, which is what convert_weight,
/// gen_config and compile parse config.json with (transformers' Gemma3TextConfig has the same values:
/// huggingface/transformers@008f5c8c:src/transformers/models/gemma3/configuration_gemma3.py, Gemma3TextConfig.__init__).</summary>
public static class ConfigClasses
{
    private const string Mlc = "mlc-ai/mlc-llm@7b15b196:python/mlc_llm/model/";

    /// <summary>MLC's GemmaConfig (Gemma2Config adds only optional fields): every size field is required.</summary>
    public static readonly ConfigClass Gemma2 = new("Gemma2Config", "gemma2", []);

    private static readonly ConfigDefault[] Gemma3TextDefaults =
    [
        new("num_attention_heads", 8, Mlc + "gemma3/gemma3_model.py:31"),
        new("num_key_value_heads", 4, Mlc + "gemma3/gemma3_model.py:32"),
        new("head_dim", 256, Mlc + "gemma3/gemma3_model.py:33"),
        new("max_position_embeddings", 131_072, Mlc + "gemma3/gemma3_model.py:38"),
        new("query_pre_attn_scalar", 256, Mlc + "gemma3/gemma3_model.py:41"),
        new("sliding_window_pattern", 6, Mlc + "gemma3/gemma3_model.py:43"),
        new("vocab_size", 262_208, Mlc + "gemma3/gemma3_model.py:100"),
    ];

    /// <summary>Gemma 3 1B: a text-only checkpoint, fields at the top level.</summary>
    public static readonly ConfigClass Gemma3Text = new("Gemma3TextConfig", "gemma3_text", Gemma3TextDefaults);

    /// <summary>Gemma 3 4B and larger: multimodal, the language model under text_config; vocab_size on Gemma3Config.</summary>
    public static readonly ConfigClass Gemma3 = new("Gemma3Config", "gemma3", Gemma3TextDefaults, TextConfigKey: "text_config");

    public static readonly ConfigClass Gemma3n = new("Gemma3nConfig", "gemma3n", [],
        Unsupported: "MLC-LLM at 7b15b196 has no gemma3n model type (mlc-ai/mlc-llm#3271), so it cannot compile this model");

    public static IReadOnlyList<ConfigClass> All { get; } = [Gemma2, Gemma3Text, Gemma3, Gemma3n];

    public static ConfigClass? For(string modelType) => All.FirstOrDefault(c => c.ModelType == modelType);
}
