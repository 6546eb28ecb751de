using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Cli.CommandLine;

/// <summary>
/// The toolchain-location options every command that drives TVM/MLC-LLM accepts (doctor, toolchain setup, compile).
/// Add <see cref="Options"/> to a <see cref="CommandSpec"/> and call <see cref="Resolve"/>.
/// </summary>
public static class ToolchainOptions
{
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("--python", "PATH", "Python interpreter or venv folder with tvm, tvm_ffi and mlc_llm (ALC_PYTHON)."),
        OptionSpec.Value("--tvm-source", "DIR", "TVM v0.22.0 checkout (ALC_TVM_SOURCE_DIR, TVM_SOURCE_DIR, TVM_HOME)."),
        OptionSpec.Value("--tvm-build", "DIR", "Folder with libtvm and libtvm_runtime; default <tvm-source>/build (ALC_TVM_BUILD_DIR, TVM_LIBRARY_PATH)."),
        OptionSpec.Value("--mlc-llm", "DIR", "MLC-LLM checkout (ALC_MLC_LLM_DIR, MLC_LLM_SOURCE_DIR)."),
        OptionSpec.Value("--llvm-config", "PATH", "llvm-config of LLVM 15 (ALC_LLVM_CONFIG; ALC_LLVM_PREFIX for an install folder)."),
        OptionSpec.Value("--ndk", "DIR", "Android NDK 27 folder (ALC_ANDROID_NDK, ANDROID_NDK_HOME)."),
        OptionSpec.Repeatable("--ava-runtime", "PATH", "AVA's runtime to check against: the app's jniLibs/arm64-v8a/ folder, or its files (libtvm_runtime.so and libtvm_ffi.so, or libtvm4j_runtime_packed.so); repeatable (ALC_AVA_RUNTIME: a folder or a ':'-separated list)."),
        OptionSpec.Repeatable("--ava-app", "PATH", "The app whose runtime chain compile proves (tvm4j jar → JNI bridge → runtime → the compiled library): its jniLibs/arm64-v8a/ folder and tvm4j jar, an .aar or a built .apk; repeatable (ALC_AVA_APP: a ':'-separated list)."),
        OptionSpec.Value("--toolchain-config", "FILE", "Toolchain config file (ALC_TOOLCHAIN_CONFIG); default ./alc.toolchain.json and ~/.config/alc/toolchain.json."),
        OptionSpec.Value("--toolchain-prefix", "DIR", "Where 'alc toolchain setup' built the toolchain (ALC_TOOLCHAIN_PREFIX); default ~/.local/share/alc/toolchain."),
    ];

    public static ToolchainOverrides Read(CommandInput input, string? prefixOption = null) => new()
    {
        Python = input.Value("--python"),
        TvmSourceDir = input.Value("--tvm-source"),
        TvmBuildDir = input.Value("--tvm-build"),
        MlcLlmDir = input.Value("--mlc-llm"),
        LlvmConfig = input.Value("--llvm-config"),
        NdkDir = input.Value("--ndk"),
        AvaRuntime = input.Values("--ava-runtime").ToList(),
        AvaApp = input.Values("--ava-app").ToList(),
        ConfigFile = input.Value("--toolchain-config"),
        Prefix = (prefixOption is null ? null : input.Value(prefixOption)) ?? input.Value("--toolchain-prefix"),
    };

    public static ToolchainLocationsResolver Resolver(CliContext context) => new(context.Environment, context.WorkingDirectory);

    public static ToolchainLocations Resolve(CommandInput input, CliContext context, string? prefixOption = null) =>
        Resolver(context).Resolve(Read(input, prefixOption));

    public static DoctorOptions DoctorOptions(CliContext context) =>
        Compiler.Toolchain.Doctor.DoctorOptions.Default
            .WithEnvironment(context.Environment)
            .WithWorkingDirectory(context.WorkingDirectory);
}
