namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// Optional: AVA's own runtime library (the one the phone loads) exports the v0.22 FFI and backend surface that
/// compiled models call, and nothing of another generation. Only runs when a runtime is configured.
/// </summary>
public sealed class AvaRuntimeCheck : DoctorCheck
{
    public override string Id => "ava-runtime";

    public override string Title => "AVA runtime library";

    public override bool InCompileScope => false;

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var expected = $"the {c.Lock.AbiProfile} runtime surface (TVM v{c.Lock.Tvm.Version} + tvm-ffi {c.Lock.TvmFfi.Version})";
        if (c.Locations.AvaRuntimeLibrary is not { } runtime)
            return Task.FromResult(new DoctorCheckResult(Id, Title, CheckStatus.Skipped, "not configured", expected,
                "Pass --ava-runtime <libtvm_runtime.so> (or set ALC_AVA_RUNTIME) to check the runtime artifacts must link against.", Required: false));
        var inspection = TvmLibrarySurface.Inspect(runtime.Path, TvmLibrarySurface.RuntimeExports(c.Lock));
        return Task.FromResult(inspection.Ok
            ? Pass($"{runtime.Path} ({inspection.Describe})", expected)
            : Fail($"{runtime.Path}: {inspection.Summary}", expected,
                $"Use AVA's runtime built from TVM v{c.Lock.Tvm.Version} with tvm-ffi {c.Lock.TvmFfi.Version} (the packed libtvm4j_runtime_packed.so or libtvm_runtime.so of that build), or drop --ava-runtime."));
    }
}
