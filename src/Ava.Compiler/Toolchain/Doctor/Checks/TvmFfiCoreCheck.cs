namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// The Cython <c>core</c> extension is present and <c>libtvm_ffi_testing</c> exports <c>TVMFFITestingDummyTarget</c>:
/// since tvm-ffi #132 the core links that library and calls it at import (apache/tvm-ffi@9a6ec6ee CMakeLists.txt:269-270,
/// python/tvm_ffi/cython/base.pxi:457-458), so a build without it cannot import tvm_ffi. The library is found where
/// tvm-ffi itself finds it, by the Python probe: the copy the process mapped, else tvm_ffi.libinfo's search path (the
/// package's lib/, a source build's build/lib, LD_LIBRARY_PATH / DYLD_LIBRARY_PATH, PATH; libinfo.py:52-121) — a
/// source build keeps it in build/lib, not in the package. The probe loads it and looks the symbol up.
/// </summary>
public sealed class TvmFfiCoreCheck : DoctorCheck
{
    public const string TestingSymbol = "TVMFFITestingDummyTarget";

    public override string Id => "tvm-ffi-core";

    public override string Title => "tvm-ffi Cython core";

    public override IReadOnlyList<string> DependsOn => ["tvm-ffi"];

    // In the compile subset the probe's answer is enough; full runs also read the symbol tables of the files it named.

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var testingName = c.Host.SharedLibraryName("tvm_ffi_testing");
        var expected = $"tvm_ffi/core extension and {testingName} (found as tvm-ffi finds it) exporting {TestingSymbol}";
        var probe = await c.Probe!.RunAsync("tvm_ffi", cancellationToken);
        if (probe.String("core") is not { } core)
            return Fail($"no core extension ({probe.String("coreError") ?? "tvm_ffi.core is missing"})", expected, Fixes.InstallTvmFfi(c));
        if (probe.String("testingLibrary") is not { } testing)
        {
            var searched = probe.Strings("testingSearchPath");
            return Fail($"{Path.GetFileName(core)} present, but {testingName} is missing from tvm-ffi's library search path ({(searched.Count == 0 ? "none reported" : string.Join(", ", searched))})" +
                (probe.String("testingError") is { } why ? $": {why}" : ""), expected, Fixes.InstallTvmFfi(c));
        }
        var via = probe.String("testingVia") ?? "tvm-ffi's loader";
        if (probe.Bool("testingSymbol") != true)
            return Fail($"{testingName}: " + (probe.Bool("testingSymbol") == false ? $"missing {TestingSymbol}" : probe.String("testingError") ?? "could not be loaded") + $" ({testing}, {via})",
                expected, Fixes.InstallTvmFfi(c));
        if (c.Scope == DoctorScope.Compile)
            return Pass($"{Path.GetFileName(core)}; {testingName} at {testing} ({via})", expected);

        // Full scope: prove it from the symbol tables too, and check the libtvm_ffi the process loaded is 0.1.0's generation.
        var testingLib = TvmLibrarySurface.Inspect(testing, [TestingSymbol]);
        if (!testingLib.Ok)
            return Fail($"{testingName}: {testingLib.Summary}", expected, Fixes.InstallTvmFfi(c));
        var ffiName = c.Host.SharedLibraryName("tvm_ffi");
        var ffiPath = probe.String("ffiLibrary") ?? Path.Combine(Path.GetDirectoryName(testing)!, ffiName);
        var ffi = TvmLibrarySurface.Inspect(ffiPath, TvmLibrarySurface.FfiExports(c.Lock));
        if (!ffi.Ok)
            return Fail($"{ffiName}: {ffi.Summary}", $"{ffiName} of tvm-ffi {c.Lock.TvmFfi.Version} exporting the tvm-ffi C API of the {c.Lock.AbiProfile} profile", Fixes.InstallTvmFfi(c));
        return Pass($"{Path.GetFileName(core)}; {testingName} at {testing} ({via}) exports {TestingSymbol}; {ffiPath}", expected);
    }
}
