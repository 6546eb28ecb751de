namespace Ava.Compiler.Verification.AppChain;

/// <summary>How one link of the chain came out.</summary>
public enum LinkStatus
{
    /// <summary>Proven: every name the left side needs is provided by the right side.</summary>
    Ok,

    /// <summary>Proven broken: a name is missing; the app fails at run time.</summary>
    Failed,

    /// <summary>Cannot be proven statically (e.g. natives registered by JNI_OnLoad + RegisterNatives); not a pass.</summary>
    Unproven,
}

/// <summary>
/// The runtime stack proof of <c>alc verify --app</c>: the tvm4j jar's native methods → the JNI bridge's exports → the
/// TVM runtime's exports → each model library. One entry per link, in the order the app loads them.
/// </summary>
public sealed record AppChainResult
{
    /// <summary>The --app paths as given.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The tvm4j API the app's classes declare.</summary>
    public required JavaApi Api { get; init; }

    /// <summary>Every shared library of the app for the target ABI, with its role and diagnosed generation.</summary>
    public required IReadOnlyList<AppLibraryResult> Libraries { get; init; }

    /// <summary>The links in load order: jar → bridge, bridge → runtime, runtime → each model library.</summary>
    public required IReadOnlyList<ChainLink> Links { get; init; }

    public IReadOnlyList<SkippedMember> Skipped { get; init; } = [];

    public bool Ok => Links.All(l => l.Status == LinkStatus.Ok);
}

/// <param name="Generation">The TVM tag whose LibInfo natives the classes declare exactly (e.g. v0.22.0); null when none matches.</param>
/// <param name="Label">e.g. "the v0.22 API (tvm-ffi names: ...)", or what was found instead.</param>
/// <param name="Sources">Class files / DEX files the natives came from.</param>
public sealed record JavaApi(string? Generation, string Label, IReadOnlyList<string> Sources, IReadOnlyList<NativeMethodResult> Natives);

/// <param name="ExportedBy">The app library exporting it; null when none does.</param>
/// <param name="Symbol">The exported form the VM would bind (short or long), or the short form when missing.</param>
public sealed record NativeMethodResult(string Class, string Name, string Descriptor, string ShortSymbol, string LongSymbol, string? ExportedBy, string Source);

/// <summary>Roles a shared library plays in the chain (one library may play several, e.g. a packed tvm4j runtime).</summary>
public enum AppLibraryRole { Bridge, Runtime, Other }

/// <param name="Generation">What its exports say: the JNI name generation for a bridge, the C-API generation for a runtime.</param>
/// <param name="Needed">Its DT_NEEDED entries.</param>
public sealed record AppLibraryResult(string Path, IReadOnlyList<AppLibraryRole> Roles, string Generation, IReadOnlyList<string> Needed, bool RegistersNativesOnLoad);

/// <param name="From">Left side, e.g. "tvm4j_core.jar (v0.22 API)".</param>
/// <param name="To">Right side, e.g. "libtvm4j.so".</param>
/// <param name="Reason">One sentence: why it holds, or the headline of why not.</param>
public sealed record ChainLink
{
    public required string Kind { get; init; }

    public required string From { get; init; }

    public required string To { get; init; }

    public required LinkStatus Status { get; init; }

    public required string Reason { get; init; }

    public IReadOnlyList<Problem> Problems { get; init; } = [];
}
