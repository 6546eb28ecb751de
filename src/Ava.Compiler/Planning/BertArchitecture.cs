using System.Text.Json.Nodes;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Planning;

/// <summary>
/// The sizes of a BERT <c>config.json</c> (the .AON path's all-MiniLM-L6-v2), read as transformers' BertConfig reads it:
/// a field the file leaves out takes BertConfig's default (<see cref="ConfigClasses.Bert"/>). Those defaults are
/// bert-base's, so <see cref="Defaulted"/> says which numbers came from the class rather than the file.
/// </summary>
public sealed record BertArchitecture
{
    public required int HiddenSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>The fields the file left out, each with the BertConfig default that was used.</summary>
    public required IReadOnlyList<ConfigDefault> Defaulted { get; init; }

    public static BertArchitecture Load(string configPath)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject
                   ?? throw new BadInputException($"{configPath} is not a JSON object.", "Use the model's Hugging Face config.json.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new BadInputException($"{configPath} is not valid JSON ({e.Message}).", "Fetch the model's config.json again or remove it.", e);
        }
        return Parse(root, configPath);
    }

    public static BertArchitecture Parse(JsonObject root, string source)
    {
        var bert = ConfigClasses.Bert;
        var modelType = root["model_type"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
        if (modelType != bert.ModelType)
            throw new BadInputException(
                $"{source} describes a {(modelType is null ? "model without a model_type" : $"'{modelType}' model")}, but the .AON path builds BERT sentence encoders (model_type '{bert.ModelType}', transformers' {bert.Name}).",
                "Put the config.json published with the ONNX model's Hugging Face repository beside it, or remove the file.");
        var defaulted = new List<ConfigDefault>();
        int Read(string key)
        {
            if (root[key] is JsonValue value && value.TryGetValue<int>(out var i)) return i;
            var d = bert.DefaultFor(key) ?? throw new InvalidOperationException($"BertConfig has no default for {key}.");
            defaulted.Add(d);
            return d.Value;
        }
        return new BertArchitecture
        {
            HiddenSize = Read("hidden_size"),
            Layers = Read("num_hidden_layers"),
            Heads = Read("num_attention_heads"),
            IntermediateSize = Read("intermediate_size"),
            VocabSize = Read("vocab_size"),
            MaxPositionEmbeddings = Read("max_position_embeddings"),
            Defaulted = defaulted,
        };
    }
}
