namespace Ava.Compiler.Recipes;

/// <summary>
/// One model recipe (<c>recipes/&lt;name&gt;.yml</c>): where the model comes from, how MLC builds it, and its AVA name parts.
/// <see cref="Kind"/> selects the section that applies: <see cref="Llm"/> for "llm", <see cref="Onnx"/> (kept as
/// plain data here; the ONNX path validates it) for "onnx-embedding".
/// </summary>
public sealed record Recipe
{
    public const string KindLlm = "llm";
    public const string KindOnnxEmbedding = "onnx-embedding";

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public string? Description { get; init; }

    /// <summary>AVA model code: GE2, GE3, G4N...</summary>
    public required string Code { get; init; }

    /// <summary>Size label used in the AVA name: 2B, 4B, 1B, 384...</summary>
    public required string Size { get; init; }

    public required RecipeSource Source { get; init; }

    public LlmRecipe? Llm { get; init; }

    public IReadOnlyDictionary<string, object?>? Onnx { get; init; }

    /// <summary>Set when the recipe reserves a name that cannot be built yet; alc stops with this reason before downloading.</summary>
    public string? Unsupported { get; init; }

    /// <summary>The file the recipe was read from.</summary>
    public string? Path { get; init; }
}

/// <param name="Revision">A branch, tag or commit; the fetch stage records the commit it resolved to.</param>
public sealed record RecipeSource(string HfRepo, string Revision);

public sealed record LlmRecipe
{
    public required string ModelType { get; init; }

    public required string ConvTemplate { get; init; }

    /// <summary>The quantization used when the command line names none.</summary>
    public required string Quantization { get; init; }

    /// <summary>Every quantization this recipe may be built with (the default included).</summary>
    public required IReadOnlyList<string> Quantizations { get; init; }

    /// <summary>Memory the model may use on the target phone (weights, KV cache, temporaries), in MiB.</summary>
    public required int DeviceMemoryMb { get; init; }

    public LlmOverrides Overrides { get; init; } = new();
}

/// <summary>Values passed to <c>mlc_llm gen_config</c>; null means "let the planner or MLC decide".</summary>
public sealed record LlmOverrides
{
    public int? ContextWindowSize { get; init; }

    public int? PrefillChunkSize { get; init; }

    public int? SlidingWindowSize { get; init; }

    public int? MaxBatchSize { get; init; }
}
