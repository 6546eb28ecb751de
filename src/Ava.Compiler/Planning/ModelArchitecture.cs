using System.Text.Json.Nodes;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Planning;

/// <summary>
/// The numbers of a Hugging Face <c>config.json</c> that size a model on the phone. Gemma 3 multimodal checkpoints keep
/// the language model's numbers under <c>text_config</c>; MLC builds only that part, so that is what is read.
/// </summary>
public sealed record ModelArchitecture
{
    public required string ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }

    /// <summary>Tokens a sliding-window layer attends to; null when the model has none.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Every n-th layer is global, the others slide (Gemma 3: 6). 2 means alternating (Gemma 2).</summary>
    public int? SlidingWindowPattern { get; init; }

    public int? MaxPositionEmbeddings { get; init; }

    /// <summary>Parameters of the language model (embedding tied to the output head, as in Gemma).</summary>
    public long Parameters
    {
        get
        {
            long h = HiddenSize, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim;
            var attention = h * q + 2 * h * kv + q * h;
            var mlp = 3 * h * IntermediateSize;
            var norms = 4 * h;
            return (long)VocabSize * h + Layers * (attention + mlp + norms) + h;
        }
    }

    /// <summary>Layers that keep the whole context (the rest keep only the sliding window).</summary>
    public int GlobalLayers => SlidingWindow is null || SlidingWindowPattern is not > 0 ? Layers : Layers / SlidingWindowPattern.Value;

    public static ModelArchitecture Load(string configPath)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject
                   ?? throw new BadInputException($"{configPath} is not a JSON object.", "Point alc at the model's Hugging Face config.json.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new BadInputException($"{configPath} is not valid JSON ({e.Message}).", "Fetch the model again or fix the file.", e);
        }
        return Parse(root, configPath);
    }

    public static ModelArchitecture Parse(JsonObject root, string source)
    {
        var topType = Str(root, "model_type");
        var configClass = topType is null ? null : ConfigClasses.For(topType);
        var text = root[configClass?.TextConfigKey ?? "text_config"] as JsonObject ?? root;
        var modelType = topType ?? Str(text, "model_type")
            ?? throw new BadInputException($"{source} has no model_type, so alc cannot tell which model it describes.",
                "Use the config.json published with the model on Hugging Face (every transformers config names its model_type).");
        configClass ??= ConfigClasses.For(modelType);
        if (configClass?.Unsupported is { } why)
            throw new BadInputException($"{source} is a {modelType} model: {why}.", "Pick a recipe MLC-LLM supports (alc recipes list).");

        // Read as MLC does: the field, else the default of the model type's config class, else there is none upstream.
        int? Read(string key) => Int(text, key) ?? Int(root, key) ?? configClass?.DefaultFor(key)?.Value;
        int Need(string key) => Read(key) ?? throw new BadInputException(
            $"{source} has no '{key}', and {(configClass is null ? $"alc knows no config class for model_type '{modelType}'" : $"MLC-LLM's {configClass.Name} (model_type {modelType}) has no default for it")}, so the model cannot be sized.",
            configClass is null
                ? $"alc sizes only the model types its recipes use ({string.Join(", ", ConfigClasses.Llm.Where(c => c.Unsupported is null).Select(c => c.ModelType))}); MLC-LLM would need '{key}' too."
                : $"MLC-LLM's convert_weight would stop on the same missing field; check that config.json is the file published with the model (fetch it again from the model's repo).");

        // The fields MLC's dataclass declares without a default, whatever their type (attention_bias, rms_norm_eps...).
        var missing = (configClass?.Required ?? []).Where(f => text[f.Field] is null && root[f.Field] is null).ToList();
        if (missing.Count > 0)
            throw new BadInputException(
                $"{source} has no {Listed(missing.Select(f => $"'{f.Field}'").ToList(), "or")}, and MLC-LLM's {configClass!.Name} (model_type {modelType}) has no default for {(missing.Count == 1 ? "it" : "them")} ({string.Join(", ", missing.Select(f => f.Source))}), so convert_weight would stop on it.",
                "Check that config.json is the file published with the model (fetch it again from the model's repo).");
        if (configClass?.Gemma is { } gemma)
        {
            var activation = Str(text, "hidden_activation") ?? Str(text, "hidden_act") ?? gemma.DefaultActivation;
            if (activation is null || !GemmaChecks.GeluActivations.Contains(activation))
                throw new BadInputException(
                    $"{source} gives the activation {(activation is null ? "nowhere (neither hidden_activation nor hidden_act)" : $"'{activation}'")}, and MLC-LLM's {configClass.Name} accepts only GeLU ('gelu' or 'gelu_pytorch_tanh', {gemma.ActivationSource}).",
                    "Check that config.json is the file published with the model; MLC-LLM cannot build a Gemma variant with another activation.");
            if (text["attention_bias"] is JsonValue bias && bias.TryGetValue<bool>(out var hasBias) && hasBias)
                throw new BadInputException(
                    $"{source} sets attention_bias true, and MLC-LLM's {configClass.Name} supports only attention_bias false ({gemma.BiasSource}).",
                    "Check that config.json is the file published with the model; MLC-LLM cannot build Gemma with attention biases.");
        }

        var hidden = Need("hidden_size");
        var heads = Need("num_attention_heads");
        var isGemma3 = modelType.StartsWith("gemma3", StringComparison.Ordinal);
        var isGemma2 = modelType == "gemma2";
        return new ModelArchitecture
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = Need("intermediate_size"),
            Layers = Need("num_hidden_layers"),
            Heads = heads,
            // Gemma's config classes require (Gemma 2) or default (Gemma 3) these; other types fall back as transformers does.
            KvHeads = configClass is null ? Read("num_key_value_heads") ?? heads : Need("num_key_value_heads"),
            HeadDim = configClass is null ? Read("head_dim") ?? hidden / heads : Need("head_dim"),
            VocabSize = Need("vocab_size"),
            SlidingWindow = Int(text, "sliding_window") ?? Int(text, "sliding_window_size"),
            // MLC's Gemma 3 model hard-codes a pattern of 6; Gemma 2 alternates sliding and global layers.
            SlidingWindowPattern = isGemma3 ? Read("sliding_window_pattern") ?? 6 : isGemma2 ? 2 : Int(text, "sliding_window_pattern"),
            MaxPositionEmbeddings = Read("max_position_embeddings"),
        };
    }

    /// <summary>'a'; 'a' or 'b'; 'a', 'b' or 'c'.</summary>
    private static string Listed(IReadOnlyList<string> items, string conjunction) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + $" {conjunction} " + items[^1];

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
