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

    /// <summary>gen_config's --max-batch-size default (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/cli/gen_config.py:92-97).</summary>
    public const int MlcDefaultMaxBatchSize = 128;
    private const int MinimumContext = 512;

    /// <param name="requestedContext">From the command line or the recipe; null lets the planner choose.</param>
    public static MemoryPlan Plan(ModelArchitecture arch, QuantizationInfo quant, ContextRule rule, int deviceMemoryMb,
        int? requestedContext, int? requestedPrefill, int? slidingWindowOverride = null, int? maxBatchSize = null)
    {
        var notes = new List<string>();
        var budget = (long)deviceMemoryMb << 20;
        // Gemma2Config has no sliding_window_size field, only the config's sliding_window, so MLC logs "Cannot override"
        // and keeps the config's value (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/model/gemma2/gemma2_model.py:33,39;
        // python/mlc_llm/support/config.py:99-105): an override changes nothing there, and so it changes nothing here.
        var overrideIgnored = rule == ContextRule.ForcedToSlidingWindow && slidingWindowOverride is not null;
        var sliding = overrideIgnored ? arch.SlidingWindow : slidingWindowOverride ?? arch.SlidingWindow;
        if (overrideIgnored)
            notes.Add($"sliding_window_size {slidingWindowOverride} ignored: MLC's Gemma2Config cannot override it and keeps the config's sliding_window ({arch.SlidingWindow?.ToString() ?? "none"})");

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
                $"Raise llm.device_memory_mb in the recipe, lower the context size{Remedy.Of(UserInput.Context)}, or pick a smaller quantization{Remedy.Of(UserInput.Quantization)}.");
        return plan;
    }

    private static int PrefillFor(int? requested, int context) => Math.Min(requested ?? DefaultPrefillChunk, context);

    private static MemoryPlan Estimate(ModelArchitecture arch, QuantizationInfo quant, int context, int prefill, int? sliding,
        int? maxBatch, long budget, bool pass, List<string> notes)
    {
        var actBytes = quant.ActivationDtype == "float32" ? 4 : 2;
        var parameters = arch.Parameters;
        // The embedding (tied to the final fc in Gemma) keeps the float width when the scheme does not quantize it (q4f16_2).
        var embedding = (long)arch.VocabSize * arch.HiddenSize;
        var weightBytes = (long)Math.Ceiling(((parameters - embedding) * quant.StoredBitsPerWeight + embedding * quant.EmbeddingBitsPerWeight) / 8);
        long perTokenPerLayer = 2L * arch.KvHeads * arch.HeadDim * actBytes;
        var kvFull = perTokenPerLayer * arch.Layers * context;
        var slidingLayers = arch.Layers - arch.GlobalLayers;
        var kvSliding = perTokenPerLayer * (arch.GlobalLayers * (long)context + slidingLayers * (long)Math.Min(context, sliding ?? context));
        // One prefill chunk's activations (MLP and residual streams), its attention scores against the whole
        // context, and fp32 logits for one token.
        // MLC plans temporaries for a decode step of max_batch_size sequences too: gen_config's default is 128
        // (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/cli/gen_config.py:92-97), the batch bound of the memory plan
        // (interface/compile.py:107-119). A decode step holds fp32 logits and the MLP stream for every sequence.
        var batch = (long)(maxBatch ?? MlcDefaultMaxBatchSize);
        var prefillTemporary = (long)prefill * (2L * arch.IntermediateSize + 4L * arch.HiddenSize) * actBytes
                               + (long)prefill * arch.Heads * context * 4
                               + arch.VocabSize * 4L;
        var decodeTemporary = batch * ((2L * arch.IntermediateSize + 4L * arch.HiddenSize) * actBytes + arch.VocabSize * 4L);
        var temporary = Math.Max(prefillTemporary, decodeTemporary);
        var finalNotes = new List<string>(notes)
        {
            $"prefill chunk {prefill}",
            $"weights {parameters:N0} parameters × {quant.StoredBitsPerWeight:0.###} bits ({quant.Name}{(quant.EmbeddingBitsPerWeight != quant.StoredBitsPerWeight ? $", embedding {embedding:N0} × {quant.EmbeddingBitsPerWeight} bits" : "")})",
            $"temporaries for a prefill chunk of {prefill} or a decode step of {batch} sequences (max_batch_size)",
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
