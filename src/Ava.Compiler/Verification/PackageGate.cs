using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Verification;

/// <summary>
/// Memory from the library's own metadata, the way MLC-LLM estimates it (mlc-llm@7b15b196 cli/model_metadata.py:74-137):
/// parameter bytes, plus the largest temporary buffer of any function (MLC takes the maximum over all of them,
/// L84-86), plus the KV cache: head_dim × layers × KV heads × 2 (K and V) × dtype bytes (4 for f32 quantizations,
/// 2 for f16/bf16, L111-127) per token, for the context the app is configured with.
/// </summary>
public sealed record MemoryEstimate(long ParamBytes, long TemporaryBytes, string? TemporaryFunction, long KvCacheBytes, long KvTokens)
{
    public long TotalBytes => ParamBytes + TemporaryBytes + KvCacheBytes;

    public static MemoryEstimate? From(LibraryMetadata m, long configuredContext, long batch = 1)
    {
        if (m.ParamBytes is not { } pb) return null;
        var kv = 0L;
        var tokens = configuredContext > 0 ? configuredContext : m.SlidingWindowSize > 0 ? m.SlidingWindowSize : m.ContextWindowSize;
        if (m.KvCache is { } c)
        {
            var dtypeBytes = m.Quantization.Contains("f32", StringComparison.Ordinal) ? 4 : 2;
            kv = checked(c.HeadDim * c.NumHiddenLayers * c.NumKeyValueHeads * dtypeBytes * 2 * tokens * batch);
        }
        return new MemoryEstimate(pb, m.MaxTemporaryBytes, m.MaxTemporaryFunction, kv, tokens * batch);
    }
}

/// <summary>
/// The package proof as a gate for the compile pipeline: the package folder (weights, mlc-chat-config.json, the two
/// objects) must carry metadata and agree with it, or nothing is published. Throws
/// <see cref="VerificationFailedException"/> (exit 1) naming every problem.
/// </summary>
public static class PackageGate
{
    public sealed record Proven(LibraryMetadata Metadata, MemoryEstimate? Memory);

    public static Proven Prove(string folder, string display)
    {
        var entries = ArtifactReader.Read(folder, display);
        var read = MetadataReader.Read(entries);
        if (read.Problem is not null)
            throw new VerificationFailedException(read.Problem.Message, read.Problem.RawFix);
        if (read.Metadata is null)
            throw new VerificationFailedException($"{display}: the compiled library carries no MLC-LLM metadata ({read.Absent}), so the weights cannot be proven to belong to it.",
                "Compile with the pinned MLC-LLM (7b15b196), whose compile always registers the metadata ('alc doctor' checks the toolchain).");
        var files = PackageFiles.Open(folder, display)
            ?? throw new VerificationFailedException($"{display} has no mlc-chat-config.json or tensor-cache.json.",
                "Rerun the convert and configure stages (alc compile) so the package holds the weights and their config.");
        var problems = PackageProof.Run(read.Metadata, files, display);
        if (problems.Count > 0)
            throw new VerificationFailedException(
                $"Package proof failed for {display} ({problems.Count} problem(s)): " + string.Join(" ", problems.Select(p => $"[{p.Code}] {p.Message}")),
                string.Join(" ", problems.Select(p => p.Fix).Distinct()));
        var symbols = PackageProof.Symbols(files.ChatConfig);
        var summary = LibraryMetadata.From(read.Metadata, read.Source!, symbols);
        var context = symbols is not null && symbols.TryGetValue("context_window_size", out var ctx) ? ctx : -1;
        return new Proven(summary, MemoryEstimate.From(summary, context));
    }
}
