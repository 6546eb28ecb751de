namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// TVM was built with LLVM (without it Android host code comes out as <c>devc.c</c> instead of <c>lib0.o</c>) and
/// with the locked LLVM major.
/// </summary>
public sealed class TvmLlvmCheck : DoctorCheck
{
    public override string Id => "tvm-llvm";

    public override string Title => "TVM's LLVM";

    public override IReadOnlyList<string> DependsOn => ["tvm"];

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var major = c.Lock.Llvm.Major;
        var expected = $"TVM built with LLVM {major}";
        var probe = await c.Probe!.RunAsync("tvm", cancellationToken);
        var use = probe.String("useLlvm");
        var version = probe.String("llvmVersion");
        var rebuild = $"Reconfigure TVM with set(USE_LLVM \"<llvm-config of LLVM {major}> --ignore-libllvm --link-static\") in build/config.cmake and rebuild, {Fixes.Setup}.";
        if (version is null && use is null)
            return Warn($"unknown ({probe.String("libinfoError") ?? "tvm.support.libinfo() has no LLVM entries"})", expected, null);
        if (use is not null && use.Equals("OFF", StringComparison.OrdinalIgnoreCase) || version is null or "" or "NOT-FOUND")
            return Fail($"TVM built without LLVM (USE_LLVM={use ?? "?"})", expected, rebuild);
        var found = $"LLVM {version}";
        return version.Split('.')[0] == major.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? Pass(found, expected)
            : Fail(found, expected, rebuild);
    }
}
