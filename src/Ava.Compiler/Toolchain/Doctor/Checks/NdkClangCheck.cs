namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// The NDK clang for aarch64-linux-android that alc sets as <c>TVM_NDK_CC</c> exists, with <c>llvm-ar</c> next to it
/// (tvm.contrib.ndk looks it up there).
/// </summary>
public sealed class NdkClangCheck : DoctorCheck
{
    public override string Id => "ndk-clang";

    public override string Title => "TVM_NDK_CC (NDK clang)";

    public override IReadOnlyList<string> DependsOn => ["android-ndk"];

    /// <summary>Only tvm.contrib.ndk reads TVM_NDK_CC (apache/tvm@9dbf3f22:python/tvm/contrib/ndk.py:48-52), which the .tar compile never calls.</summary>
    public override bool Required => false;

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var pin = c.Lock.AndroidNdk;
        var expected = $"{pin.ClangDriverName} and llvm-ar in the NDK's {c.Host.NdkPrebuiltTag} toolchain";
        if (c.Locations.NdkDir is null || c.Locations.NdkClang(c.Lock, c.Host) is not { } clang)
            return Task.FromResult(Skip("no NDK configured", expected, "Install the NDK to get the link proof (see 'android-ndk')."));
        var fix = $"Reinstall NDK {pin.Version}: this file is part of every NDK for {c.Host.NdkPrebuiltTag} hosts.";
        if (!File.Exists(clang))
            return Task.FromResult(Fail($"{clang} is missing", expected, fix));
        var ar = Path.Combine(Path.GetDirectoryName(clang)!, "llvm-ar");
        if (!File.Exists(ar))
            return Task.FromResult(Fail($"{clang} present, {ar} missing", expected, fix));
        return Task.FromResult(Pass(clang, expected));
    }
}
