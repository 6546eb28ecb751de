namespace Ava.Compiler.Abi;

/// <summary>
/// How a TVM runtime is split into shared libraries and how a runtime file's generation shows in its exports
/// (abi/runtime-layout.json). Read by <see cref="Verification.Runtime.RuntimeSet"/>; every fact carries its source line.
/// </summary>
public sealed record RuntimeLayout
{
    /// <summary>The parts of a standard build, each exported by its own library (tvm-ffi C API, TVM backend API).</summary>
    public required IReadOnlyList<RuntimePart> Parts { get; init; }

    /// <summary>The single-file runtime an Android app ships (both parts in one library).</summary>
    public required PackedRuntime Packed { get; init; }

    /// <summary>Rules in order: a file exporting any of a rule's symbols is of a generation in [Since, Until).</summary>
    public required IReadOnlyList<RuntimeGenerationRule> Generations { get; init; }

    /// <summary>The part whose functions start with this symbol's prefix, if any.</summary>
    public RuntimePart? PartOf(string symbol) =>
        Parts.FirstOrDefault(p => symbol.StartsWith(p.ExportPrefix, StringComparison.Ordinal));
}

public sealed record RuntimePart
{
    public required string Id { get; init; }

    /// <summary>Every function of the part starts with this (<c>TVMFFI</c>, <c>TVMBackend</c>).</summary>
    public required string ExportPrefix { get; init; }

    /// <summary>The library a standard build puts the part in (<c>libtvm_ffi.so</c>).</summary>
    public required string Library { get; init; }

    public required string What { get; init; }

    public string Evidence { get; init; } = "";
}

public sealed record PackedRuntime
{
    public required string Library { get; init; }

    public string Evidence { get; init; } = "";
}

public sealed record RuntimeGenerationRule
{
    public required IReadOnlyList<string> Exports { get; init; }

    /// <summary>What exporting these means, for messages ("the old C API").</summary>
    public required string What { get; init; }

    public string? Since { get; init; }

    public string? Until { get; init; }

    public string Evidence { get; init; } = "";
}
