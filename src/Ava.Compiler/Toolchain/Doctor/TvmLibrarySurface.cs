using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>
/// What the shared libraries of a TVM v0.22.0 + tvm-ffi 0.1.0 build must (and must not) export, read from their
/// dynamic symbol tables with <see cref="ArtifactReader"/>. The required exports come from the lock's ABI profile;
/// the generation markers (research/mlc-tvm.md §4.2, §10) are the old C API of TVM ≤ v0.20 and the tvm-ffi
/// addition that marks a runtime newer than 0.1.0.
/// </summary>
public static class TvmLibrarySurface
{
    /// <summary>
    /// Every function the runtime of the lock's ABI profile exports (<c>abi/&lt;profile&gt;.json</c>, <c>runtimeExports</c>):
    /// what AVA's packed runtime must export. The same list the verify core proves model libraries against.
    /// </summary>
    public static IReadOnlyList<string> RuntimeExports(ToolchainLock lockFile) =>
        new Abi.AbiCatalog().LoadProfile(lockFile.AbiProfile).RuntimeExports;

    /// <summary>The part of the runtime surface libtvm and libtvm_runtime export themselves (TVM's backend API).</summary>
    public static IReadOnlyList<string> BackendExports(ToolchainLock lockFile) =>
        RuntimeExports(lockFile).Where(s => s.StartsWith("TVMBackend", StringComparison.Ordinal)).ToList();

    /// <summary>The part libtvm_ffi exports (the tvm-ffi C API).</summary>
    public static IReadOnlyList<string> FfiExports(ToolchainLock lockFile) =>
        RuntimeExports(lockFile).Where(s => s.StartsWith("TVMFFI", StringComparison.Ordinal)).ToList();

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
                Missing.Count > 0 ? $"missing {string.Join(", ", Missing.Take(5))}{(Missing.Count > 5 ? $" and {Missing.Count - 5} more" : "")}" : null,
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
