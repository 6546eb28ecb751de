using Ava.Compiler.Errors;

namespace Ava.Compiler.Verification.Linking;

/// <summary>
/// Which ld.lld links the proof and where the sysroot's libc/libm/libdl/liblog are. From an NDK
/// (<see cref="FromNdk"/>) or given directly (<see cref="WithLinker"/>, tests and custom toolchains). Immutable.
/// </summary>
public sealed record LinkerSetup
{
    /// <summary>
    /// The API level whose sysroot the proof links against: the lock's (24), which is what mlc4j builds the app's
    /// runtime for (mlc-ai/mlc-llm@7b15b196:android/mlc4j/prepare_libs.py:36-37, ANDROID_PLATFORM=android-24).
    /// </summary>
    public static int ApiLevel => Ava.Compiler.Toolchain.ToolchainLock.Default.AndroidNdk.ApiLevel;

    public const string Triple = "aarch64-linux-android";

    public required string Linker { get; init; }

    /// <summary>Folder with libc.so, libm.so, libdl.so, liblog.so (the NDK's sysroot/usr/lib/aarch64-linux-android/24).</summary>
    public required string SystemLibs { get; init; }

    /// <summary>Where it came from, for the report (e.g. "--ndk /opt/ndk").</summary>
    public string Source { get; init; } = "";

    public LinkerSetup WithLinker(string linker) => this with { Linker = linker };

    public LinkerSetup WithSystemLibs(string folder) => this with { SystemLibs = folder };

    /// <summary>The variables <c>alc verify</c> reads an NDK root from, in order (alc's own first, then the Android ones).</summary>
    public static readonly IReadOnlyList<string> NdkVariables = [Toolchain.ToolchainLocationsResolver.EnvNdk, "ANDROID_NDK_HOME", "ANDROID_NDK_ROOT"];

    /// <summary>
    /// The link proof's linker from what the user gave (paths already resolved): an explicit ld.lld with its sysroot's
    /// library folder, else an NDK root, else an existing NDK folder named by one of <see cref="NdkVariables"/>; null
    /// when there is none (the proof is skipped).
    /// </summary>
    public static LinkerSetup? Discover(string? linker, string? systemLibs, string? ndk, Func<string, string?> environment)
    {
        if (linker is not null)
        {
            var sys = systemLibs ?? throw new BadInputException($"A linker{Remedy.Of(UserInput.Linker)} needs the sysroot's library folder too.",
                $"Add the system library folder{Remedy.Of(UserInput.SystemLibs)} (the folder holding libc.so, libm.so, libdl.so, liblog.so), or pass the NDK root{Remedy.Of(UserInput.Ndk)} instead.");
            return new LinkerSetup { Linker = linker, SystemLibs = sys, Source = "--linker" };
        }
        if (ndk is not null) return FromNdk(ndk, "--ndk");
        foreach (var name in NdkVariables)
            if (environment(name) is { Length: > 0 } dir && Directory.Exists(dir))
                return FromNdk(dir, name);
        return null;
    }

    /// <summary>The NDK's own ld.lld and API-24 sysroot libraries; a missing part is bad input naming the path looked at.</summary>
    public static LinkerSetup FromNdk(string ndk, string source)
    {
        var prebuilt = Path.Combine(ndk, "toolchains", "llvm", "prebuilt");
        var hosts = Directory.Exists(prebuilt) ? Directory.GetDirectories(prebuilt).Order(StringComparer.Ordinal).ToList() : [];
        var host = hosts.FirstOrDefault(h => File.Exists(Path.Combine(h, "bin", "ld.lld")))
            ?? throw new BadInputException($"No ld.lld under '{prebuilt}/*/bin/': '{ndk}' is not an Android NDK (r27 is pinned).",
                $"Pass the NDK root folder (the one holding toolchains/ and source.properties){Remedy.Of(UserInput.Ndk)}, or a linker{Remedy.Of(UserInput.Linker)} with the system library folder{Remedy.Of(UserInput.SystemLibs)}.");
        var sys = Path.Combine(host, "sysroot", "usr", "lib", Triple, ApiLevel.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(sys))
            throw new BadInputException($"The NDK at '{ndk}' has no API {ApiLevel} sysroot ('{sys}' is missing).",
                $"Install NDK r27 (it ships API 24 libraries for aarch64), or pass a linker{Remedy.Of(UserInput.Linker)} and the system library folder{Remedy.Of(UserInput.SystemLibs)}.");
        return new LinkerSetup { Linker = Path.Combine(host, "bin", "ld.lld"), SystemLibs = sys, Source = source };
    }
}
