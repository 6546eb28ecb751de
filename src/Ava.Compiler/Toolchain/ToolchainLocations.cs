namespace Ava.Compiler.Toolchain;

/// <summary>
/// Where the parts of the toolchain live on this machine. Immutable: build one with
/// <see cref="ToolchainLocationsResolver"/> (flags, environment, config file, default search) and adjust it with the
/// <c>WithX</c> copies. Any part may be unknown (null); doctor reports it with the fix.
/// </summary>
public sealed record ToolchainLocations
{
    public static ToolchainLocations Empty { get; } = new();

    /// <summary>The folder <c>alc toolchain setup</c> builds into (holds tvm/, mlc-llm/, venv/, android-ndk/).</summary>
    public LocatedPath? Prefix { get; private init; }

    /// <summary>A checkout of apache/tvm (the folder with CMakeLists.txt, python/ and 3rdparty/tvm-ffi).</summary>
    public LocatedPath? TvmSourceDir { get; private init; }

    /// <summary>The CMake build folder holding libtvm and libtvm_runtime; by default <c>&lt;tvm&gt;/build</c>.</summary>
    public LocatedPath? TvmBuildDir { get; private init; }

    /// <summary>A checkout of mlc-ai/mlc-llm (the folder with python/mlc_llm), e.g. on an external drive.</summary>
    public LocatedPath? MlcLlmDir { get; private init; }

    /// <summary>The Python interpreter that has (or will have) tvm, tvm_ffi and mlc_llm; a venv is resolved to its bin/python.</summary>
    public LocatedPath? Python { get; private init; }

    /// <summary>The <c>llvm-config</c> of LLVM 15, the LLVM TVM is built against.</summary>
    public LocatedPath? LlvmConfig { get; private init; }

    /// <summary>The Android NDK root (the folder with source.properties).</summary>
    public LocatedPath? NdkDir { get; private init; }

    /// <summary>
    /// Optional: AVA's own runtime, the one the produced artifacts must link against, as files and folders (a standard
    /// build's libtvm_runtime.so + libtvm_ffi.so, the app's jniLibs/arm64-v8a/, or libtvm4j_runtime_packed.so); empty when
    /// not configured. Read with <see cref="Verification.Runtime.RuntimeSet"/>.
    /// </summary>
    public IReadOnlyList<LocatedPath> AvaRuntime { get; private init; } = [];

    /// <summary>
    /// Optional: the app whose runtime stack compile proves link by link (tvm4j jar → JNI bridge → runtime → the
    /// compiled library): its jniLibs/arm64-v8a/ folder and tvm4j jar, an .aar or a built .apk; empty when not configured.
    /// </summary>
    public IReadOnlyList<LocatedPath> AvaApp { get; private init; } = [];

    public ToolchainLocations WithPrefix(LocatedPath? value) => this with { Prefix = value };

    public ToolchainLocations WithTvmSourceDir(LocatedPath? value) => this with { TvmSourceDir = value };

    public ToolchainLocations WithTvmBuildDir(LocatedPath? value) => this with { TvmBuildDir = value };

    public ToolchainLocations WithMlcLlmDir(LocatedPath? value) => this with { MlcLlmDir = value };

    public ToolchainLocations WithPython(LocatedPath? value) => this with { Python = value };

    public ToolchainLocations WithLlvmConfig(LocatedPath? value) => this with { LlvmConfig = value };

    public ToolchainLocations WithNdkDir(LocatedPath? value) => this with { NdkDir = value };

    public ToolchainLocations WithAvaRuntime(IReadOnlyList<LocatedPath> value) => this with { AvaRuntime = value };

    public ToolchainLocations WithAvaRuntime(params LocatedPath[] value) => this with { AvaRuntime = value };

    public ToolchainLocations WithAvaApp(IReadOnlyList<LocatedPath> value) => this with { AvaApp = value };

    /// <summary>The NDK clang driver that TVM_NDK_CC must name (it may not exist; doctor checks).</summary>
    public string? NdkClang(ToolchainLock lockFile, HostPlatform host) =>
        NdkDir is null ? null
            : System.IO.Path.Combine(NdkDir.Path, "toolchains", "llvm", "prebuilt", host.NdkPrebuiltTag, "bin", lockFile.AndroidNdk.ClangDriverName);

    /// <summary>Every location with its name, for tables and --json.</summary>
    public IEnumerable<(string Name, LocatedPath? Value)> All()
    {
        yield return ("prefix", Prefix);
        yield return ("tvmSourceDir", TvmSourceDir);
        yield return ("tvmBuildDir", TvmBuildDir);
        yield return ("mlcLlmDir", MlcLlmDir);
        yield return ("python", Python);
        yield return ("llvmConfig", LlvmConfig);
        yield return ("ndkDir", NdkDir);
        yield return ("avaRuntime", AvaRuntime.Count == 0 ? null
            : new LocatedPath(string.Join(System.IO.Path.PathSeparator, AvaRuntime.Select(r => r.Path)), AvaRuntime[0].Source));
        yield return ("avaApp", AvaApp.Count == 0 ? null
            : new LocatedPath(string.Join(System.IO.Path.PathSeparator, AvaApp.Select(r => r.Path)), AvaApp[0].Source));
    }
}
