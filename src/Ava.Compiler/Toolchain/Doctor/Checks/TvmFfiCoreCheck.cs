namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// The Cython <c>core</c> extension is present and <c>libtvm_ffi_testing</c> sits next to it in <c>tvm_ffi/lib</c>:
/// since tvm-ffi #132 the core links that library and calls <c>TVMFFITestingDummyTarget</c> at import, so a build
/// without it (a local TVM build whose bindings were never installed with Cython) cannot import tvm_ffi.
/// </summary>
public sealed class TvmFfiCoreCheck : DoctorCheck
{
    public const string TestingSymbol = "TVMFFITestingDummyTarget";

    public override string Id => "tvm-ffi-core";

    public override string Title => "tvm-ffi Cython core";

    public override IReadOnlyList<string> DependsOn => ["tvm-ffi"];

    // In the compile subset only the files' presence is checked; reading symbol tables is for full doctor runs.

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var testingName = c.Host.SharedLibraryName("tvm_ffi_testing");
        var expected = $"tvm_ffi/core extension and tvm_ffi/lib/{testingName} exporting {TestingSymbol}";
        var probe = await c.Probe!.RunAsync("tvm_ffi", cancellationToken);
        if (probe.String("core") is not { } core)
            return Fail($"no core extension ({probe.String("coreError") ?? "tvm_ffi.core is missing"})", expected, Fixes.InstallTvmFfi(c));
        var libDir = probe.String("libDir") ?? Path.Combine(Path.GetDirectoryName(core)!, "lib");
        var testing = Path.Combine(libDir, testingName);
        if (!File.Exists(testing))
            return Fail($"{Path.GetFileName(core)} present, but {testing} is missing", expected, Fixes.InstallTvmFfi(c));
        if (c.Scope == DoctorScope.Compile)
            return Pass($"{Path.GetFileName(core)} and {testingName} in {libDir}", expected);

        // Full scope: prove it from the symbol tables, and check libtvm_ffi is 0.1.0's generation.
        var testingLib = TvmLibrarySurface.Inspect(testing, [TestingSymbol]);
        if (!testingLib.Ok)
            return Fail($"{testingName}: {testingLib.Summary}", expected, Fixes.InstallTvmFfi(c));
        var ffiName = c.Host.SharedLibraryName("tvm_ffi");
        var ffi = TvmLibrarySurface.Inspect(Path.Combine(libDir, ffiName), TvmLibrarySurface.FfiExports(c.Lock));
        if (!ffi.Ok)
            return Fail($"{ffiName}: {ffi.Summary}", $"{ffiName} of tvm-ffi {c.Lock.TvmFfi.Version} exporting the tvm-ffi C API of the {c.Lock.AbiProfile} profile", Fixes.InstallTvmFfi(c));
        return Pass($"{Path.GetFileName(core)}, {testingName} exporting {TestingSymbol}, and {ffiName} in {libDir}", expected);
    }
}
