using System.Text.Json.Serialization;

namespace Ava.Compiler.Verification;

public enum Verdict { Accepted, Rejected }

public enum Severity { Error, Warning, Note }

/// <summary>What part a model-library object plays (TVM's export_library output).</summary>
public enum ObjectRole
{
    /// <summary>lib0.o: the LLVM host module (packed functions, context pointer).</summary>
    Host,

    /// <summary>&lt;prefix&gt;devc.o: the packed import blob (VM executable, device kernels).</summary>
    Device,

    /// <summary>A shared object holding both (non-system-lib build).</summary>
    SharedLibrary,

    /// <summary>No TVM symbols at all.</summary>
    Other,
}

/// <summary>
/// The outcome of <see cref="Verifier.Verify"/>: one verdict, the libraries with their objects and problems, and the
/// bundle-level problems. Rendered by <see cref="VerificationReport"/>; schema: schemas/verification-report.schema.json.
/// </summary>
public sealed record VerificationResult
{
    public const string SchemaId = "https://ava.local/alc/schemas/verification-report.schema.json";

    public string Schema { get; init; } = "alc-verification-report/1";

    public required Verdict Verdict { get; init; }

    public bool Ok => Verdict == Verdict.Accepted;

    public required string Target { get; init; }

    public required string Abi { get; init; }

    public required string Runtime { get; init; }

    /// <summary>Where the runtime's exported symbols came from: the given files, or the profile's list.</summary>
    public required IReadOnlyList<string> RuntimeSources { get; init; }

    public IReadOnlyList<string> SystemLibs { get; init; } = [];

    public bool Bundle { get; init; }

    public required IReadOnlyList<LibraryResult> Libraries { get; init; }

    /// <summary>The runtime files (--runtime) with what each exports, and the set's own problems; null when none was given.</summary>
    public Runtime.RuntimeSetReport? RuntimeSet { get; init; }

    /// <summary>Problems across libraries (bundle proof).</summary>
    public IReadOnlyList<Problem> Problems { get; init; } = [];

    /// <summary>Facts worth knowing that are not problems (e.g. runtime-only symbols the spec mentions).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The link proof (<c>alc verify --link</c>); null when it was not asked for.</summary>
    public Linking.LinkResult? Link { get; init; }

    /// <summary>The app's runtime stack proof (<c>alc verify --app</c>); null when no app was given.</summary>
    public AppChain.AppChainResult? App { get; init; }

    [JsonIgnore]
    public IEnumerable<Problem> AllProblems => (RuntimeSet?.Problems ?? []).Concat(Problems).Concat(Libraries.SelectMany(l => l.Problems)).Concat(App?.Links.SelectMany(l => l.Problems) ?? []);

    [JsonIgnore]
    public int ErrorCount => AllProblems.Count(p => p.Severity == Severity.Error);
}

public sealed record LibraryResult
{
    public required string Path { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The TVM generation the symbols point to, e.g. "TVM <= v0.20 (old C API)".</summary>
    public required string Generation { get; init; }

    /// <summary>The system-lib prefix (e.g. <c>gemma2_q4f16_1_</c>); null when the library has none.</summary>
    public string? Prefix { get; init; }

    /// <summary>The app's model_lib: the prefix without its trailing underscore.</summary>
    public string? ModelLib { get; init; }

    public required IReadOnlyList<ObjectResult> Objects { get; init; }

    public IReadOnlyList<SkippedMember> Skipped { get; init; } = [];

    /// <summary>
    /// The arguments this library was built from, when there were several: loose objects given separately that share a
    /// system-lib prefix (e.g. <c>lib0.o</c> and <c>x_devc.o</c>). Null when it is one argument (<see cref="Path"/>).
    /// </summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>What was done to the input before checking it: loose objects paired, duplicate objects counted once.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public IReadOnlyList<Problem> Problems { get; init; } = [];

    /// <summary>Non-TVM references not checked (no --system-libs given, or compiler-runtime helpers); the first <see cref="UncheckedListLimit"/>, sorted.</summary>
    public IReadOnlyList<string> Unchecked { get; init; } = [];

    /// <summary>How many references were not checked (may exceed the list).</summary>
    public int UncheckedCount { get; init; }

    /// <summary>The library's own MLC-LLM metadata (read from its packed blob); null when it has none or it is malformed.</summary>
    public LibraryMetadata? Metadata { get; init; }

    /// <summary>Why <see cref="Metadata"/> is null when that is not a problem (e.g. an MLC-LLM older than 2023-11).</summary>
    public string? MetadataNote { get; init; }

    /// <summary>What the package proof compared (the package's mlc-chat-config.json and tensor-cache.json), or why it did not run; null for a bare library.</summary>
    public string? PackageProof { get; init; }

    /// <summary>What the registry proof (<c>alc verify --registry</c>) compared the metadata with, or why it did not run; null when not asked.</summary>
    public string? RegistryProof { get; init; }

    public const int UncheckedListLimit = 200;
}

public sealed record ObjectResult
{
    public required string Path { get; init; }

    /// <summary>"elf" or "mach-o".</summary>
    public required string Format { get; init; }

    public required int Bits { get; init; }

    public required string Architecture { get; init; }

    /// <summary>"relocatable", "shared-library", "executable" or "other".</summary>
    public required string Kind { get; init; }

    public required ObjectRole Role { get; init; }

    public required int SymbolCount { get; init; }

    /// <summary>TVM runtime symbols this object needs (undefined, weak included, or via context-pointer slots).</summary>
    public required IReadOnlyList<string> TvmReferenced { get; init; }

    /// <summary>TVM-convention symbols this object defines (packed functions summarised by count).</summary>
    public required IReadOnlyList<string> TvmDefined { get; init; }

    public int PackedFunctionCount { get; init; }

    public required string Generation { get; init; }
}

public sealed record SkippedMember(string Path, string Reason);

public sealed record Problem
{
    public required Severity Severity { get; init; }

    /// <summary>Stable kind: old-api, newer-api, mixed-generation, missing-marker, prefix-mismatch, architecture-mismatch, unresolved-symbol, runtime-generation, runtime-incomplete, duplicate-symbol, shared-prefix, bad-prefix, no-objects, link-failed, modified-file, missing-file, extra-file.</summary>

    /// <summary>Stable kind: old-api, newer-api, mixed-generation, missing-marker, prefix-mismatch, architecture-mismatch, unresolved-symbol, duplicate-symbol, shared-prefix, bad-prefix, no-objects, link-failed, modified-file, missing-file, extra-file, malformed-metadata, package-* (package proof), registry-* (bundle against registry).</summary>
    public required string Code { get; init; }

    /// <summary>The whole explanation in one paragraph (headline, then the notes).</summary>
    public required string Message { get; init; }

    /// <summary>The fix as the core's files print it (input marks dropped, see <see cref="Errors.Remedy"/>).</summary>
    public required string Fix
    {
        get => Errors.Remedy.Neutral(RawFix);
        init => RawFix = value;
    }

    /// <summary>The fix with its input marks, for a shell to spell in its own words.</summary>
    [JsonIgnore]
    public string RawFix { get; private init; } = "";

    /// <summary>One line naming the problem, shown after "error:"; the message when a check sets none.</summary>
    public string Headline
    {
        get => _headline ?? Message;
        init => _headline = value;
    }

    private readonly string? _headline;

    /// <summary>What else explains it (each shown as "= note:"); empty when the message says it all.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>For old-api and newer-api: the v0.22 name that replaces <see cref="Symbol"/> (null when there is none).</summary>
    public string? Replacement { get; init; }

    public string? Symbol { get; init; }

    /// <summary>The objects (or libraries, for bundle problems) where it was found.</summary>
    public IReadOnlyList<string> Where { get; init; } = [];

    /// <summary>What found it when not the symbol-name checks: "ld.lld" (link proof), "manifest" (tamper check), "metadata" or "package".</summary>
    public string? Proof { get; init; }
}
