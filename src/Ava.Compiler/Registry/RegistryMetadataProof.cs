using Ava.Compiler.Errors;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Registry;

/// <summary>
/// The bundle proof against the registry (issue 17, step 4): each library bundled into one app must be the build its
/// registry entry describes, judged by the library's own metadata — model_type, quantization, the context and prefill
/// chunk it was compiled for, its sliding window, and the memory estimate the entry carries (the package stage writes
/// <c>estimated_vram_bytes</c> from this metadata, so the same figure must come out again). The app picks a model by its
/// entry (app-config's <c>estimated_vram_bytes</c>, context and model_lib), so an entry that describes another build
/// makes the app size memory or context for a library it does not load. Each mismatch is one problem naming both sides
/// and the fix.
/// </summary>
public static class RegistryMetadataProof
{
    public const string Code = "registry-metadata";
    public const string ProofName = "registry";

    /// <summary>
    /// <c>alc verify --registry</c>: matches each library to its entry by system-lib prefix (the library's content,
    /// not its file name; the entry whose name is in the library's path wins when several share a prefix) and adds the
    /// problems to that library. A library with no entry cannot be proven and is an error.
    /// </summary>
    /// <param name="strict">A library without metadata is an error (else a warning): <c>--strict</c>, the A/B gate.</param>
    public static VerificationResult Apply(VerificationResult result, ModelRegistry registry, bool strict)
    {
        var entries = registry.Models().Where(e => e.Kind == ModelEntry.KindLlm).ToList();
        var libraries = new List<LibraryResult>();
        foreach (var lib in result.Libraries)
        {
            var problems = new List<Problem>();
            string note;
            var candidates = entries.Where(e => lib.Prefix is not null && e.Model.SystemLibPrefix == lib.Prefix).ToList();
            var entry = candidates.Count == 1 ? candidates[0] : candidates.FirstOrDefault(e => lib.Path.Contains(e.Name, StringComparison.Ordinal));
            if (entry is null)
            {
                var why = candidates.Count > 1
                    ? $"{candidates.Count} registry entries have its system-lib prefix '{lib.Prefix}' ({string.Join(", ", candidates.Select(c => c.Name))}) and its path names none of them"
                    : lib.Prefix is null ? "it has no system-lib prefix to look its entry up by"
                    : $"no LLM entry in {registry.ModelsDirectory} has its system-lib prefix '{lib.Prefix}'";
                problems.Add(Problem(Severity.Error, $"{lib.Path} cannot be compared with the registry: {why}.",
                    $"Register the build this library came from ('alc compile' registers it), pass the registry that holds its entry{Remedy.Of(UserInput.Registry)}, or name the .ALM/folder after its AVA name.",
                    [lib.Path, registry.ModelsDirectory]));
                note = "not run: no registry entry found";
            }
            else
            {
                problems.AddRange(Check(lib, entry, registry.ModelPath(entry.Name), strict));
                note = $"checked against {registry.ModelPath(entry.Name)}" + (lib.Metadata is null ? " (no metadata to compare)" : "");
            }
            libraries.Add(lib with
            {
                Problems = [.. lib.Problems, .. problems],
                RegistryProof = note,
                Verdict = problems.Any(p => p.Severity == Severity.Error) ? Verdict.Rejected : lib.Verdict,
            });
        }
        return result with
        {
            Libraries = libraries,
            Verdict = libraries.Any(l => l.Verdict == Verdict.Rejected) ? Verdict.Rejected : result.Verdict,
        };
    }

    /// <summary>The library's metadata against one entry; empty when they agree.</summary>
    /// <param name="entryPath">The entry's file, named in every problem.</param>
    public static IReadOnlyList<Problem> Check(LibraryResult lib, ModelEntry entry, string entryPath, bool strict)
    {
        var problems = new List<Problem>();
        var where = (IReadOnlyList<string>)[lib.Path, entryPath];
        var name = entry.Name;
        var reregister = $"Register this library's own build as {name} ('alc compile' registers what it packaged), or bundle the library the entry {entryPath} describes";
        if (lib.Metadata is not { } m)
        {
            // A malformed blob is already an error of its own (malformed-metadata); only say why nothing was compared.
            if (lib.Problems.Any(p => p.Code == "malformed-metadata")) return problems;
            problems.Add(Problem(strict ? Severity.Error : Severity.Warning,
                $"{lib.Path} carries no MLC-LLM metadata ({lib.MetadataNote ?? "none found"}), so it cannot be proven to be the build registry entry {name} describes " +
                $"({entry.Family} {entry.Quantization.Name}, context {entry.Model.ContextWindowSize}).",
                "Build it with the pinned MLC-LLM (7b15b196), whose compile always registers the metadata, and register that build ('alc compile').", where));
            return problems;
        }

        if (m.ModelType != entry.Family)
            problems.Add(Problem(Severity.Error, $"{lib.Path} was compiled for model_type \"{m.ModelType}\", but registry entry {name} says \"{entry.Family}\".",
                $"These describe different models. {reregister}.", where));
        if (m.Quantization != entry.Quantization.Name)
            problems.Add(Problem(Severity.Error, $"{lib.Path} was compiled with quantization {m.Quantization}, but registry entry {name} says {entry.Quantization.Name}.",
                $"{reregister}; an entry for another quantization must carry that quantization's own library and weights.", where));
        var contextAbove = m.ContextWindowSize > 0 && entry.Model.ContextWindowSize > m.ContextWindowSize;
        if (contextAbove)
            problems.Add(Problem(Severity.Error,
                $"Registry entry {name} gives context_window_size {entry.Model.ContextWindowSize}, above the {m.ContextWindowSize} {lib.Path} was compiled for: the app would run it past its KV cache.",
                $"{reregister}, or compile it again with a context size of {entry.Model.ContextWindowSize}{Remedy.Of(UserInput.Context)}.", where));
        if (entry.Model.PrefillChunkSize is { } prefill && m.PrefillChunkSize > 0 && prefill > m.PrefillChunkSize)
            problems.Add(Problem(Severity.Error,
                $"Registry entry {name} gives prefill_chunk_size {prefill}, above the {m.PrefillChunkSize} {lib.Path} was compiled for.",
                $"{reregister}, or compile it again with that prefill chunk.", where));
        var compiledSw = m.SlidingWindowSize <= 0 ? -1 : m.SlidingWindowSize;
        var entrySw = entry.Model.SlidingWindowSize is { } s && s > 0 ? s : -1;
        if (compiledSw != entrySw)
            problems.Add(Problem(Severity.Error,
                $"{lib.Path} was compiled {(compiledSw < 0 ? "without a sliding window" : $"with sliding_window_size {compiledSw}")}, but registry entry {name} {(entrySw < 0 ? "has none" : $"says {entrySw}")}.",
                $"{reregister}.", where));
        // A context above the compiled one is already the problem; a memory figure for it would say the same thing twice.
        if (entry.Model.EstimatedVramBytes is { } recorded && !contextAbove)
            problems.AddRange(Memory(lib, m, entry, recorded, where, strict, reregister));
        return problems;
    }

    /// <summary>
    /// The package stage records <see cref="MemoryEstimate.TotalBytes"/> of this metadata for the entry's context
    /// (PackageGate): recomputed here the same way, it must give the recorded figure to the byte.
    /// </summary>
    private static IEnumerable<Problem> Memory(LibraryResult lib, LibraryMetadata m, ModelEntry entry, long recorded, IReadOnlyList<string> where, bool strict, string reregister)
    {
        var summary = m;
        if (m.ParamBytes is null)
        {
            // No mlc-chat-config.json beside the library: the entry's own sizes resolve the symbolic dims (vocab_size).
            var symbols = new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["vocab_size"] = entry.Model.VocabSize,
                ["context_window_size"] = entry.Model.ContextWindowSize,
            };
            if (entry.Model.PrefillChunkSize is { } p) symbols["prefill_chunk_size"] = p;
            if (entry.Model.SlidingWindowSize is { } sw) symbols["sliding_window_size"] = sw;
            summary = LibraryMetadata.From(m.Metadata, m.Source, symbols);
        }
        if (MemoryEstimate.From(summary, entry.Model.ContextWindowSize) is not { } estimate)
        {
            yield return Problem(strict ? Severity.Error : Severity.Warning,
                $"The parameter bytes of {lib.Path} cannot be computed ({string.Join(", ", summary.UnresolvedDims)} unresolved), so registry entry {entry.Name}'s estimated_vram_bytes {recorded} cannot be checked.",
                "Verify the library as a package (its .ALM or model folder, with mlc-chat-config.json) so every symbolic dimension resolves.", where);
            yield break;
        }
        if (estimate.TotalBytes != recorded)
            yield return Problem(Severity.Error,
                $"Registry entry {entry.Name} records estimated_vram_bytes {recorded}, but the metadata of {lib.Path} gives {estimate.TotalBytes} for its context {entry.Model.ContextWindowSize} " +
                $"(parameters {estimate.ParamBytes} + largest temporary buffer {estimate.TemporaryBytes}{(estimate.TemporaryFunction is { } f ? $" ({f})" : "")} + KV cache {estimate.KvCacheBytes} for {estimate.KvTokens} tokens): " +
                "the app would budget memory for another build.",
                $"{reregister}; the package stage writes estimated_vram_bytes from the library's metadata.", where);
    }

    private static Problem Problem(Severity severity, string message, string fix, IReadOnlyList<string> where) => new()
    {
        Severity = severity, Code = Code, Message = message, Fix = fix, Where = where, Proof = ProofName,
    };
}
