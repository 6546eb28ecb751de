namespace Ava.Compiler.Planning;

/// <summary>One default a config class fills in when config.json leaves the field out, with the upstream line.</summary>
/// <param name="Source">The line of the code that reads config.json for alc's build (MLC-LLM's dataclass for an LLM,
/// transformers' class for the BERT of the .AON path).</param>
/// <param name="Transformers">The same default in transformers' config class, where that is not already <paramref name="Source"/>:
/// the value Hugging Face left out when it saved the file.</param>
public sealed record ConfigDefault(string Field, int Value, string Source, string? Transformers = null);

/// <summary>
/// How MLC-LLM reads a Hugging Face config.json of one <c>model_type</c>: which fields it fills with defaults when they
/// are absent (Hugging Face drops fields equal to transformers' defaults when it saves a config, so the published
/// google/gemma-3-4b-it text_config has no num_attention_heads). A field that is absent and has no default here has no
/// default upstream either: MLC fails on it too.
/// </summary>
/// <param name="TextConfigKey">Where the language model's fields live (<c>text_config</c> for multimodal checkpoints).</param>
/// <param name="Unsupported">Why MLC-LLM at the pin cannot build this model type at all.</param>
/// <param name="Required">The dataclass fields without a default, of any JSON type (MLC's <c>cls(**fields)</c> raises
/// TypeError when one is absent).</param>
/// <param name="Gemma">MLC's __post_init__ checks of Gemma configs: only GeLU, no attention bias.</param>
public sealed record ConfigClass(string Name, string ModelType, IReadOnlyList<ConfigDefault> Defaults, string? TextConfigKey = null,
    string? Unsupported = null, IReadOnlyList<ConfigField>? Required = null, GemmaChecks? Gemma = null)
{
    public ConfigDefault? DefaultFor(string field) => Defaults.FirstOrDefault(d => d.Field == field);
}

/// <summary>A field the config class requires (no default), with the upstream line that declares it.</summary>
public sealed record ConfigField(string Field, string Source);

/// <summary>
/// What MLC's Gemma config classes check after parsing: the activation (<c>hidden_activation</c>, else <c>hidden_act</c>,
/// else <paramref name="DefaultActivation"/>) must be GeLU, and <c>attention_bias</c> must be false.
/// </summary>
public sealed record GemmaChecks(string ActivationSource, string BiasSource, string? DefaultActivation)
{
    public static readonly IReadOnlyList<string> GeluActivations = ["gelu", "gelu_pytorch_tanh"];
}

/// <summary>The config classes alc reads, as data. LLM sources: MLC-LLM's dataclasses at the pin, which is what convert_weight,
/// gen_config and compile parse config.json with; each Gemma 3 default also names transformers' Gemma3TextConfig line with the
/// same value (why the field is absent from the published file). The .AON path's BERT: transformers' BertConfig, which is what
/// wrote and reads all-MiniLM-L6-v2's config.json. transformers lines are at 008f5c8c (the stored copy read; the index holds
/// no tagged release of these files).</summary>
public static class ConfigClasses
{
    private const string Mlc = "mlc-ai/mlc-llm@7b15b196:python/mlc_llm/model/";
    private const string Transformers = "huggingface/transformers@008f5c8c:src/transformers/models/";
    private const string Gemma3Hf = Transformers + "gemma3/configuration_gemma3.py:";
    private const string BertHf = Transformers + "bert/configuration_bert.py:";

    /// <summary>MLC's GemmaConfig (Gemma2Config adds only optional fields): every size field is required.</summary>
    public static readonly ConfigClass Gemma2 = new("Gemma2Config", "gemma2", [],
        Required:
        [
            new("hidden_size", Mlc + "gemma/gemma_model.py:24"),
            new("intermediate_size", Mlc + "gemma/gemma_model.py:25"),
            new("attention_bias", Mlc + "gemma/gemma_model.py:26"),
            new("num_attention_heads", Mlc + "gemma/gemma_model.py:27"),
            new("num_key_value_heads", Mlc + "gemma/gemma_model.py:28"),
            new("head_dim", Mlc + "gemma/gemma_model.py:29"),
            new("num_hidden_layers", Mlc + "gemma/gemma_model.py:30"),
            new("rms_norm_eps", Mlc + "gemma/gemma_model.py:31"),
            new("vocab_size", Mlc + "gemma/gemma_model.py:32"),
        ],
        Gemma: new(Mlc + "gemma/gemma_model.py:44", Mlc + "gemma/gemma_model.py:46", DefaultActivation: null));

    private static readonly ConfigField[] Gemma3TextRequired =
    [
        new("hidden_size", Mlc + "gemma3/gemma3_model.py:27"),
        new("intermediate_size", Mlc + "gemma3/gemma3_model.py:28"),
        new("num_hidden_layers", Mlc + "gemma3/gemma3_model.py:29"),
    ];

    // hidden_activation defaults to gelu_pytorch_tanh (gemma3_model.py:35), attention_bias to False (:30).
    private static readonly GemmaChecks Gemma3Checks =
        new(Mlc + "gemma3/gemma3_model.py:51", Mlc + "gemma3/gemma3_model.py:53", DefaultActivation: "gelu_pytorch_tanh");

    private static readonly ConfigDefault[] Gemma3TextDefaults =
    [
        new("num_attention_heads", 8, Mlc + "gemma3/gemma3_model.py:31", Gemma3Hf + "178"),
        new("num_key_value_heads", 4, Mlc + "gemma3/gemma3_model.py:32", Gemma3Hf + "179"),
        new("head_dim", 256, Mlc + "gemma3/gemma3_model.py:33", Gemma3Hf + "180"),
        // MLC calls it context_window_size and maps max_position_embeddings onto it.
        new("max_position_embeddings", 131_072, Mlc + "gemma3/gemma3_model.py:38", Gemma3Hf + "182"),
        new("query_pre_attn_scalar", 256, Mlc + "gemma3/gemma3_model.py:41", Gemma3Hf + "193"),
        new("sliding_window_pattern", 6, Mlc + "gemma3/gemma3_model.py:43", Gemma3Hf + "200"),
        // On MLC's Gemma3Config (the multimodal wrapper); transformers keeps it on Gemma3TextConfig.
        new("vocab_size", 262_208, Mlc + "gemma3/gemma3_model.py:100", Gemma3Hf + "174"),
    ];

    /// <summary>Gemma 3 1B: a text-only checkpoint, fields at the top level.</summary>
    public static readonly ConfigClass Gemma3Text = new("Gemma3TextConfig", "gemma3_text", Gemma3TextDefaults,
        Required: Gemma3TextRequired, Gemma: Gemma3Checks);

    /// <summary>Gemma 3 4B and larger: multimodal, the language model under text_config; vocab_size on Gemma3Config.</summary>
    public static readonly ConfigClass Gemma3 = new("Gemma3Config", "gemma3", Gemma3TextDefaults, TextConfigKey: "text_config",
        Required: Gemma3TextRequired, Gemma: Gemma3Checks);

    public static readonly ConfigClass Gemma3n = new("Gemma3nConfig", "gemma3n", [],
        Unsupported: "MLC-LLM at 7b15b196 has no gemma3n model type (mlc-ai/mlc-llm#3271), so it cannot compile this model");

    /// <summary>transformers' BertConfig (all-MiniLM-L6-v2, the .AON recipe): every size field has a default, so a BERT
    /// config.json is never short of a field — but a default is bert-base's, not MiniLM's, and the .AON path checks it.</summary>
    public static readonly ConfigClass Bert = new("BertConfig", "bert",
    [
        new("vocab_size", 30_522, BertHf + "101"),
        new("hidden_size", 768, BertHf + "102"),
        new("num_hidden_layers", 12, BertHf + "103"),
        new("num_attention_heads", 12, BertHf + "104"),
        new("intermediate_size", 3072, BertHf + "105"),
        new("max_position_embeddings", 512, BertHf + "109"),
        new("type_vocab_size", 2, BertHf + "110"),
        new("pad_token_id", 0, BertHf + "113"),
    ]);

    /// <summary>The model types of the LLM recipes (what MLC-LLM builds, or refuses).</summary>
    public static IReadOnlyList<ConfigClass> Llm { get; } = [Gemma2, Gemma3Text, Gemma3, Gemma3n];

    public static IReadOnlyList<ConfigClass> All { get; } = [.. Llm, Bert];

    /// <summary>The LLM config class of a model_type (BERT is read by <see cref="BertArchitecture"/>, not sized as an LLM).</summary>
    public static ConfigClass? For(string modelType) => Llm.FirstOrDefault(c => c.ModelType == modelType);
}
