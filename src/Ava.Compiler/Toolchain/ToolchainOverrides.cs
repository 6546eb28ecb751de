namespace Ava.Compiler.Toolchain;

/// <summary>
/// Locations given on the command line (<c>--python</c>, <c>--ndk</c>...). They win over everything else. Paths may be
/// relative to the working folder.
/// </summary>
public sealed record ToolchainOverrides : ToolchainPaths
{
    public static ToolchainOverrides None { get; } = new();

    public string? ConfigFile { get; init; }

    /// <summary>AVA's runtime: files and folders (<c>--ava-runtime</c>, repeatable); each may also be a list joined by the path separator.</summary>
    public IReadOnlyList<string> AvaRuntime { get; init; } = [];

    /// <summary>The app whose runtime chain compile proves (<c>--ava-app</c>, repeatable): its jniLibs folder, the tvm4j jar, an .aar or an .apk.</summary>
    public IReadOnlyList<string> AvaApp { get; init; } = [];

    /// <summary>How the shell names <see cref="AvaApp"/> in messages: <c>--ava-app</c>, or the Action's <c>'app' input</c>.</summary>
    public string AvaAppName { get; init; } = "--ava-app";
}
