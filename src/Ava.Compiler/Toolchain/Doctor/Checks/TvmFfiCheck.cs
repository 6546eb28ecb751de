namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary><c>import tvm_ffi</c> works and is apache-tvm-ffi 0.1.0, the version TVM v0.22.0 vendors.</summary>
public sealed class TvmFfiCheck : DoctorCheck
{
    public override string Id => "tvm-ffi";

    public override string Title => "tvm-ffi package";

    public override IReadOnlyList<string> DependsOn => ["python"];

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var expected = $"{c.Lock.TvmFfi.Package} {c.Lock.TvmFfi.Version} (from TVM's {c.Lock.TvmFfi.SourceSubdirectory})";
        var probe = await c.Probe!.RunAsync("tvm_ffi", cancellationToken);
        if (!probe.Ok)
            return Fail($"import tvm_ffi failed: {probe.Error}", expected, Fixes.ForPythonError(probe.Error!, c));
        var version = probe.String("version") ?? probe.String("distributionVersion") ?? "unknown";
        var found = $"tvm_ffi {version} at {Path.GetDirectoryName(probe.String("file"))}";
        return version == c.Lock.TvmFfi.Version
            ? Pass(found, expected)
            : Fail(found, expected, Fixes.InstallTvmFfi(c));
    }
}
