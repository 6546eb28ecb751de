namespace Ava.Compiler.Planning;

/// <summary>
/// What the planner chose for one build and why: the values passed to <c>mlc_llm gen_config</c> and the memory
/// estimate that becomes <c>estimated_vram_bytes</c>.
/// </summary>
public sealed record MemoryPlan
{
    /// <summary>The context window the model will have on the phone (after MLC's own rules).</summary>
    public required int ContextWindowSize { get; init; }

    /// <summary>Whether alc passes <c>--context-window-size</c> (false when MLC ignores it, e.g. Gemma 2).</summary>
    public required bool PassContextWindow { get; init; }

    public required int PrefillChunkSize { get; init; }

    public int? SlidingWindowSize { get; init; }

    public int? MaxBatchSize { get; init; }

    public required long Parameters { get; init; }

    public required double BitsPerWeight { get; init; }

    public required long WeightBytes { get; init; }

    /// <summary>KV cache if every layer kept the whole context (the planner budgets with this upper bound).</summary>
    public required long KvCacheBytes { get; init; }

    /// <summary>KV cache when sliding-window layers keep only their window (the lower figure, for reference).</summary>
    public required long KvCacheSlidingBytes { get; init; }

    public required long TemporaryBytes { get; init; }

    public long EstimatedVramBytes => WeightBytes + KvCacheBytes + TemporaryBytes;

    public required long BudgetBytes { get; init; }

    /// <summary>Why each value was chosen, in order.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
