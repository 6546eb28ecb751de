using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Planning;

/// <summary>
/// Chooses context window and prefill chunk for a phone budget and estimates the memory the model needs, knowing how
/// MLC-LLM's model configs treat the context: Gemma 2 is forced to its sliding window (4096), Gemma 3 defaults to
/// max(sliding window, 8192) and honours an override. Requested values are kept or refused, never silently changed;
/// only the default context is lowered (halved) until the estimate fits the budget.
/// </summary>
public static class MemoryPlanner
{
    public const int DefaultPrefillChunk = 256;
    private const int MinimumContext = 512;

    /// <param name="requestedContext">From the command line or the recipe; null lets the planner choose.</param>
    public static MemoryPlan Plan(ModelArchitecture arch, QuantizationInfo quant, ContextRule rule, int deviceMemoryMb,
        int? requestedContext, int? requestedPrefill, int? slidingWindowOverride = null, int? maxBatchSize = null)
    {
        var notes = new List<string>();
        var budget = (long)deviceMemoryMb << 20;
        var sliding = slidingWindowOverride ?? arch.SlidingWindow;

        int context;
        bool pass;
        var adjustable = false;
        switch (rule)
        {
            case ContextRule.ForcedToSlidingWindow:
                context = sliding ?? arch.MaxPositionEmbeddings ?? 4096;
                pass = false;
                if (requestedContext is { } r && r != context)
                    throw new BadInputException(
                        $"A context window of {r} cannot be built for {arch.ModelType}: MLC-LLM's Gemma2Config resets context_window_size to the sliding window ({context}) on every config rebuild, overrides included.",
                        $"Drop the context override (the model gets {context} tokens), or build a Gemma 3 recipe, whose context is configurable.");
                notes.Add($"context {context}: MLC forces {arch.ModelType}'s context to its sliding window");
                break;
            case ContextRule.AtLeastSlidingWindowOr8192:
                pass = true;
                if (requestedContext is { } g)
                {
                    context = g;
                    notes.Add($"context {context}: requested");
                }
                else
                {
                    context = Math.Max(sliding ?? 0, 8192);
                    adjustable = true;
                    notes.Add($"context {context}: MLC's {arch.ModelType} default, max(sliding window {sliding?.ToString() ?? "none"}, 8192)");
                }
                break;
            default:
                pass = true;
                context = requestedContext ?? arch.MaxPositionEmbeddings ?? 4096;
                adjustable = requestedContext is null;
                notes.Add(requestedContext is null ? $"context {context}: the model's max_position_embeddings" : $"context {context}: requested");
                break;
        }
        if (arch.MaxPositionEmbeddings is { } max && context > max)
            throw new BadInputException($"A context window of {context} is more than {arch.ModelType}'s max_position_embeddings ({max}).",
                $"Request at most {max}.");

        var plan = Estimate(arch, quant, context, PrefillFor(requestedPrefill, context), sliding, maxBatchSize, budget, pass, notes);
        while (plan.EstimatedVramBytes > budget && adjustable && context / 2 >= MinimumContext)
        {
            context /= 2;
            notes.Add($"context lowered to {context} to fit the {deviceMemoryMb} MiB budget");
            plan = Estimate(arch, quant, context, PrefillFor(requestedPrefill, context), sliding, maxBatchSize, budget, pass, notes);
        }
        if (plan.EstimatedVramBytes > budget)
            throw new BadInputException(
                $"The model needs about {Mib(plan.EstimatedVramBytes)} MiB on the phone (weights {Mib(plan.WeightBytes)}, KV cache {Mib(plan.KvCacheBytes)} for {context} tokens, temporaries {Mib(plan.TemporaryBytes)}), more than the recipe's device budget of {deviceMemoryMb} MiB.",
                "Raise llm.device_memory_mb in the recipe, lower the context (--context), or pick a smaller quantization.");
        return plan;
    }

    private static int PrefillFor(int? requested, int context) => Math.Min(requested ?? DefaultPrefillChunk, context);

    private static MemoryPlan Estimate(ModelArchitecture arch, QuantizationInfo quant, int context, int prefill, int? sliding,
        int? maxBatch, long budget, bool pass, List<string> notes)
    {
        var actBytes = quant.ActivationDtype == "float32" ? 4 : 2;
        var parameters = arch.Parameters;
        var weightBytes = (long)Math.Ceiling(parameters * quant.StoredBitsPerWeight / 8);
        long perTokenPerLayer = 2L * arch.KvHeads * arch.HeadDim * actBytes;
        var kvFull = perTokenPerLayer * arch.Layers * context;
        var slidingLayers = arch.Layers - arch.GlobalLayers;
        var kvSliding = perTokenPerLayer * (arch.GlobalLayers * (long)context + slidingLayers * (long)Math.Min(context, sliding ?? context));
        // One prefill chunk's activations (MLP and residual streams), its attention scores against the whole
        // context, and fp32 logits for one token.
        var temporary = (long)prefill * (2L * arch.IntermediateSize + 4L * arch.HiddenSize) * actBytes
                        + (long)prefill * arch.Heads * context * 4
                        + arch.VocabSize * 4L;
        var finalNotes = new List<string>(notes)
        {
            $"prefill chunk {prefill}",
            $"weights {parameters:N0} parameters × {quant.StoredBitsPerWeight} bits ({quant.Name})",
        };
        return new MemoryPlan
        {
            ContextWindowSize = context,
            PassContextWindow = pass,
            PrefillChunkSize = prefill,
            SlidingWindowSize = sliding,
            MaxBatchSize = maxBatch,
            Parameters = parameters,
            BitsPerWeight = quant.StoredBitsPerWeight,
            WeightBytes = weightBytes,
            KvCacheBytes = kvFull,
            KvCacheSlidingBytes = kvSliding,
            TemporaryBytes = temporary,
            BudgetBytes = budget,
            Notes = finalNotes,
        };
    }

    private static long Mib(long bytes) => bytes >> 20;
}
