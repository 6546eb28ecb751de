using System.Globalization;
using Ava.Compiler.Errors;
using Ava.Compiler.Recipes;

namespace Ava.Compiler.Onnx;

/// <summary>
/// Turns an <c>onnx-embedding</c> recipe (its <c>onnx:</c> section, kept as plain data by the recipe loader) into an
/// <see cref="EmbeddingRecipe"/>, with command-line overrides for the source. Unknown keys and bad values are bad
/// input naming the recipe file.
/// </summary>
public static class EmbeddingRecipes
{
    private static readonly HashSet<string> Keys =
    [
        "source", "hf_file", "vocab_file", "model", "vocab", "per_channel", "gather_tables", "gemm", "reduce_range",
        "min_mean_cosine", "min_cosine", "max_tokens", "lowercase", "latency_runs",
    ];

    /// <summary>AON names: AVA-{code}-{size}-INT8, e.g. AVA-384-Base-INT8 (FR-6.4).</summary>
    public static string AvaName(Recipe recipe) => $"AVA-{recipe.Code}-{recipe.Size}-INT8";

    /// <param name="sourceOverride">--source: "embedded", "hf", or a path to an .onnx file.</param>
    /// <param name="vocabOverride">--vocab: the vocab.txt of a local model (default: vocab.txt beside it).</param>
    public static EmbeddingRecipe From(Recipe recipe, string? sourceOverride = null, string? vocabOverride = null, Func<string, string>? resolvePath = null)
    {
        if (recipe.Kind != Recipe.KindOnnxEmbedding)
            throw new BadInputException($"The recipe '{recipe.Name}' is a {recipe.Kind} recipe, not an onnx-embedding one.", "Use an onnx-embedding recipe such as minilm-384.");
        resolvePath ??= Path.GetFullPath;
        var file = recipe.Path ?? recipe.Name;
        var o = recipe.Onnx ?? new Dictionary<string, object?>();
        foreach (var key in o.Keys)
            if (!Keys.Contains(key)) throw Bad(file, $"'onnx.{key}' is not a known key (known: {string.Join(", ", Keys.Order(StringComparer.Ordinal))})");

        string? Str(string key) => o.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() : null;
        bool Bool(string key, bool fallback) => Str(key) switch
        {
            null => fallback,
            "true" or "True" or "yes" => true,
            "false" or "False" or "no" => false,
            var s => throw Bad(file, $"'onnx.{key}' must be true or false, not '{s}'"),
        };
        double Number(string key, double fallback, double min, double max)
        {
            var s = Str(key);
            if (s is null) return fallback;
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < min || d > max)
                throw Bad(file, $"'onnx.{key}' must be a number from {min} to {max}, not '{s}'");
            return d;
        }

        var sourceKind = sourceOverride ?? Str("source") ?? "embedded";
        EmbeddingSource source = sourceKind switch
        {
            "embedded" => new EmbeddedSource(),
            "hf" => new HubFileSource(recipe.Source.HfRepo, Str("hf_file") ?? "onnx/model.onnx", Str("vocab_file") ?? "vocab.txt", recipe.Source.Revision),
            "file" when Str("model") is { } model => Local(resolvePath(model), vocabOverride ?? Str("vocab"), resolvePath),
            "file" => throw Bad(file, "'onnx.source: file' needs 'onnx.model' (the .onnx path)"),
            _ when sourceOverride is not null => Local(resolvePath(sourceOverride), vocabOverride, resolvePath),
            _ => throw Bad(file, $"'onnx.source' must be embedded, hf or file, not '{sourceKind}'"),
        };

        return new EmbeddingRecipe
        {
            Id = recipe.Name,
            AvaName = AvaName(recipe),
            Recipe = recipe,
            Source = source,
            Quantization = QuantizationOptions.Default
                .WithPerChannel(Bool("per_channel", true))
                .WithGatherTables(Bool("gather_tables", true))
                .WithGemm(Bool("gemm", true))
                .WithReduceRange(Bool("reduce_range", false)),
            MinMeanCosine = Number("min_mean_cosine", ValidationOptions.Default.MinMeanCosine, 0, 1),
            MinCosine = Number("min_cosine", ValidationOptions.Default.MinCosine, 0, 1),
            MaxTokens = (int)Number("max_tokens", 256, 8, 8192),
            Lowercase = Bool("lowercase", true),
            LatencyRuns = (int)Number("latency_runs", 30, 0, 100_000),
        };
    }

    private static LocalFileSource Local(string model, string? vocab, Func<string, string> resolvePath) =>
        new(model, vocab is not null ? resolvePath(vocab) : Path.Combine(Path.GetDirectoryName(model) ?? ".", "vocab.txt"));

    private static BadInputException Bad(string path, string what) =>
        new($"The recipe {path} is invalid: {what}.", "Fix the recipe's onnx section (see recipes/minilm-384.yml), then run 'alc recipes check'.");
}
