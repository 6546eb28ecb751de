using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification.Runtime;

/// <summary>
/// One shared library of a <see cref="RuntimeSet"/>: where it is, its DT_SONAME / DT_NEEDED, the TVM functions it
/// exports per part of the runtime (tvm-ffi C API, TVM backend API) and the generation those exports point to.
/// </summary>
public sealed record RuntimeMember
{
    /// <summary>The file to read or hand to the linker.</summary>
    public required string Path { get; init; }

    /// <summary>The name to show (the path as given, or the folder as given + the file name).</summary>
    public required string Display { get; init; }

    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>True when the file was named directly; false when found in a given folder.</summary>
    public required bool Given { get; init; }

    public string? Soname { get; init; }

    /// <summary>DT_NEEDED entries in order.</summary>
    public required IReadOnlyList<string> Needed { get; init; }

    /// <summary>ELF64 aarch64 shared library, ...</summary>
    public required string Description { get; init; }

    public required string Architecture { get; init; }

    /// <summary>Every defined global or weak symbol (what the linker resolves against).</summary>
    public required IReadOnlySet<string> Exports { get; init; }

    /// <summary>Exported TVM functions per part id of the layout (<c>tvm-ffi</c>, <c>tvm-runtime</c>); parts with none are absent.</summary>
    public required IReadOnlyDictionary<string, int> PartExports { get; init; }

    /// <summary>Exported <c>TVM*</c> names that belong to no part (the old C API's TVMFuncCall, TVMGetLastError...).</summary>
    public required IReadOnlyList<string> OtherTvmExports { get; init; }

    public required RuntimeGeneration Generation { get; init; }

    /// <summary>Any exported name starting with <c>TVM</c>: the file is (part of) a TVM runtime.</summary>
    public bool ExportsTvm => PartExports.Count > 0 || OtherTvmExports.Count > 0;

    /// <summary>The file's kind by what it exports: packed (every part), one part's id, old-api, or other.</summary>
    public string Role(Abi.RuntimeLayout layout) =>
        PartExports.Count == layout.Parts.Count && layout.Parts.Count > 1 ? "packed"
        : PartExports.Count == 1 ? PartExports.Keys.Single()
        : PartExports.Count > 1 ? "packed"
        : OtherTvmExports.Count > 0 ? "tvm-other" : "other";

    internal BinaryObject? Object { get; init; }
}

/// <summary>
/// What a runtime file's exports say about its TVM generation: the generations [Lo, Hi) (indexes into the generation
/// order) allowed by every rule it matched, and the matched rules with the symbols that matched. No rule matched:
/// [0, order count), i.e. not diagnosed.
/// </summary>
public sealed record RuntimeGeneration(int Lo, int Hi, IReadOnlyList<RuntimeGenerationEvidence> Evidence, string Label)
{
    public bool Diagnosed => Evidence.Count > 0;

    public bool Mixed => Lo >= Hi;

    public bool Allows(int generationIndex) => !Mixed && generationIndex >= Lo && generationIndex < Hi;
}

/// <param name="What">The rule's meaning ("the old C API").</param>
/// <param name="Symbols">The rule's symbols this file exports.</param>
public sealed record RuntimeGenerationEvidence(string What, IReadOnlyList<string> Symbols, int Lo, int Hi, string Evidence);

/// <summary>A DT_NEEDED entry of a member that no file of the set provides.</summary>
/// <param name="System">One of the Android system libraries (libc, libm, libdl, liblog) the app links from the NDK sysroot.</param>
public sealed record MissingDependency(RuntimeMember Member, string Library, bool System);

/// <summary>A file in a given folder that is not part of the runtime, and why.</summary>
public sealed record IgnoredFile(string Path, string Display, string Reason);
