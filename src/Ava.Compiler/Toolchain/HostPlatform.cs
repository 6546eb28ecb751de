using System.Runtime.InteropServices;

namespace Ava.Compiler.Toolchain;

public enum HostOs
{
    Linux,
    MacOs,
}

/// <summary>
/// The machine the toolchain runs on. Kept as a value so tests (and the --plan output) can ask about the other host
/// without running on it.
/// </summary>
public sealed record HostPlatform(HostOs Os, Architecture Architecture)
{
    public static HostPlatform Current { get; } = new(
        OperatingSystem.IsMacOS() ? HostOs.MacOs : HostOs.Linux, RuntimeInformation.OSArchitecture);

    public static HostPlatform Linux { get; } = new(HostOs.Linux, Architecture.X64);

    public static HostPlatform MacOsArm64 { get; } = new(HostOs.MacOs, Architecture.Arm64);

    public static HostPlatform MacOsX64 { get; } = new(HostOs.MacOs, Architecture.X64);

    /// <summary><c>.so</c> or <c>.dylib</c>: what libtvm and libtvm_runtime are called here.</summary>
    public string SharedLibrarySuffix => Os == HostOs.MacOs ? ".dylib" : ".so";

    public string SharedLibraryName(string stem) => "lib" + stem + SharedLibrarySuffix;

    /// <summary>
    /// The NDK's prebuilt host folder. Google ships one darwin-x86_64 folder for both Mac architectures (universal
    /// binaries), and linux-x86_64 only.
    /// </summary>
    public string NdkPrebuiltTag => Os == HostOs.MacOs ? "darwin-x86_64" : "linux-x86_64";

    public string Name => $"{(Os == HostOs.MacOs ? "macos" : "linux")}-{(Architecture == Architecture.Arm64 ? "arm64" : "x86_64")}";
}
