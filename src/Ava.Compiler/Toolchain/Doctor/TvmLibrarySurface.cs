using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>
/// What the shared libraries of a TVM v0.22.0 + tvm-ffi 0.1.0 build must (and must not) export, read from their
/// dynamic symbol tables with <see cref="ArtifactReader"/>. Lists from research/mlc-tvm.md §4.2 and §10: the
/// symbols generated v0.22 code calls, the old C API that marks TVM ≤ v0.20, and the tvm-ffi addition that marks a
/// runtime newer than 0.1.0.
/// </summary>
public static class TvmLibrarySurface
{
    /// <summary>TVM's backend API, exported by libtvm and libtvm_runtime (and by AVA's packed runtime).</summary>
    public static IReadOnlyList<string> BackendExports { get; } =
    [
        "TVMBackendGetFuncFromEnv", "TVMBackendAllocWorkspace", "TVMBackendFreeWorkspace",
        "TVMBackendParallelLaunch", "TVMBackendParallelBarrier", "TVMBackendRunOnce",
    ];

    /// <summary>The tvm-ffi functions v0.22 generated code calls, exported by libtvm_ffi (and AVA's packed runtime).</summary>
    public static IReadOnlyList<string> FfiExports { get; } =
        ["TVMFFIFunctionCall", "TVMFFIErrorSetRaisedFromCStr", "TVMFFIEnvModRegisterSystemLibSymbol"];

    /// <summary>Exported only by TVM ≤ v0.20 (the C API before the FFI refactor).</summary>
    public static IReadOnlyList<string> OldGenerationExports { get; } =
        ["TVMFuncCall", "TVMAPISetLastError", "TVMBackendRegisterSystemLibSymbol"];

    /// <summary>Exported only by tvm-ffi after 0.1.0 (and so by runtimes built from TVM ≥ v0.26).</summary>
    public static IReadOnlyList<string> NewerGenerationExports { get; } = ["TVMFFIHandleInitOnce"];

    /// <summary>The outcome of reading one library against expected and forbidden exports.</summary>
    public sealed record Inspection(string Path, string? ReadError, IReadOnlyList<string> Missing, IReadOnlyList<string> Old, IReadOnlyList<string> Newer, string? Describe)
    {
        public bool Ok => ReadError is null && Missing.Count == 0 && Old.Count == 0 && Newer.Count == 0;

        /// <summary>One line for the doctor table.</summary>
        public string Summary =>
            ReadError ?? string.Join("; ", new[]
            {
                Missing.Count > 0 ? $"missing {string.Join(", ", Missing)}" : null,
                Old.Count > 0 ? $"exports the old ≤ v0.20 API ({string.Join(", ", Old)})" : null,
                Newer.Count > 0 ? $"exports post-0.1.0 tvm-ffi symbols ({string.Join(", ", Newer)})" : null,
            }.Where(s => s is not null));
    }

    public static Inspection Inspect(string path, IEnumerable<string> required, bool rejectOld = true, bool rejectNewer = true)
    {
        if (!File.Exists(path)) return new Inspection(path, $"{path} does not exist", [], [], [], null);
        BinaryObject lib;
        try
        {
            lib = ArtifactReader.ReadObject(path);
        }
        catch (BadInputException e)
        {
            return new Inspection(path, $"{path} is not a readable shared library: {e.Problem}", [], [], [], null);
        }
        var exports = lib.Exports.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return new Inspection(path, null,
            required.Where(s => !exports.Contains(s)).ToList(),
            rejectOld ? OldGenerationExports.Where(exports.Contains).ToList() : [],
            rejectNewer ? NewerGenerationExports.Where(exports.Contains).ToList() : [],
            lib.Describe());
    }
}
