using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Toolchain;

public class ToolchainLocationsTests
{
    private static Dictionary<string, string> Env(TempDir home, params (string, string)[] vars)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = home.Path, ["PATH"] = home["bin-empty"] };
        foreach (var (k, v) in vars) env[k] = v;
        return env;
    }

    [Fact]
    public void A_flag_beats_the_alc_variable_which_beats_the_config_file_which_beats_the_upstream_variable()
    {
        using var dir = new TempDir("loc");
        dir.Write("alc.toolchain.json", """{ "mlcLlmDir": "checkouts/mlc", "tvmSourceDir": "from-config/tvm", "ndkDir": "ndk-config" }""");
        var env = Env(dir, ("ALC_TVM_SOURCE_DIR", dir["from-env/tvm"]), ("TVM_SOURCE_DIR", "/elsewhere/tvm"),
            ("MLC_LLM_SOURCE_DIR", "/elsewhere/mlc"), ("ANDROID_NDK_HOME", "/elsewhere/ndk"));
        var resolver = new ToolchainLocationsResolver(env, dir.Path, HostPlatform.Linux);

        var fromEnvAndConfig = resolver.Resolve();
        Assert.Equal(dir["from-env/tvm"], fromEnvAndConfig.TvmSourceDir!.Path);
        Assert.Equal("ALC_TVM_SOURCE_DIR", fromEnvAndConfig.TvmSourceDir.Source);
        Assert.Equal(dir["checkouts/mlc"], fromEnvAndConfig.MlcLlmDir!.Path);
        Assert.StartsWith("config ", fromEnvAndConfig.MlcLlmDir.Source);
        Assert.Equal(dir["ndk-config"], fromEnvAndConfig.NdkDir!.Path);
        Assert.Equal(Path.Combine(dir["from-env/tvm"], "build"), fromEnvAndConfig.TvmBuildDir!.Path);

        var withFlag = resolver.Resolve(new ToolchainOverrides { TvmSourceDir = "flag/tvm" });
        Assert.Equal(dir["flag/tvm"], withFlag.TvmSourceDir!.Path);
        Assert.Equal("--tvm-source", withFlag.TvmSourceDir.Source);
    }

    [Fact]
    public void AVA_runtime_is_a_set_from_repeated_flags_a_path_separated_variable_or_a_config_path_or_list()
    {
        using var dir = new TempDir("loc");
        dir.Write("alc.toolchain.json", """{ "avaRuntime": ["rt/libtvm_runtime.so", "rt/libtvm_ffi.so"] }""");
        var resolver = new ToolchainLocationsResolver(Env(dir), dir.Path, HostPlatform.Linux);
        Assert.Equal([dir["rt/libtvm_runtime.so"], dir["rt/libtvm_ffi.so"]], resolver.Resolve().AvaRuntime.Select(r => r.Path));

        var env = new ToolchainLocationsResolver(Env(dir, ("ALC_AVA_RUNTIME", $"a/libtvm_runtime.so{Path.PathSeparator}a/libtvm_ffi.so")), dir.Path, HostPlatform.Linux);
        var fromEnv = env.Resolve();
        Assert.Equal([dir["a/libtvm_runtime.so"], dir["a/libtvm_ffi.so"]], fromEnv.AvaRuntime.Select(r => r.Path));
        Assert.All(fromEnv.AvaRuntime, r => Assert.Equal("ALC_AVA_RUNTIME", r.Source));

        var flags = env.Resolve(new ToolchainOverrides { AvaRuntime = ["jniLibs/arm64-v8a"] });
        Assert.Equal([dir["jniLibs/arm64-v8a"]], flags.AvaRuntime.Select(r => r.Path));

        // The older key, one folder.
        dir.Write("alc.toolchain.json", """{ "avaRuntimeLibrary": "app/jniLibs/arm64-v8a" }""");
        Assert.Equal([dir["app/jniLibs/arm64-v8a"]], resolver.Resolve().AvaRuntime.Select(r => r.Path));

        // Not a path or a list of paths: bad input naming the file.
        dir.Write("alc.toolchain.json", """{ "avaRuntime": 7 }""");
        var e = Assert.Throws<Ava.Compiler.Errors.BadInputException>(() => resolver.Resolve());
        Assert.Contains("alc.toolchain.json", e.Problem);
    }

    [Fact]
    public void The_app_comes_from_repeated_ava_app_flags_then_ALC_AVA_APP_then_the_configs_avaApp_key()
    {
        using var dir = new TempDir("loc");
        var resolver = new ToolchainLocationsResolver(Env(dir), dir.Path, HostPlatform.Linux);
        Assert.Empty(resolver.Resolve().AvaApp);

        dir.Write("alc.toolchain.json", """{ "avaApp": ["app/jniLibs/arm64-v8a", "app/libs/tvm4j_core.jar"] }""");
        var fromConfig = resolver.Resolve().AvaApp;
        Assert.Equal([dir["app/jniLibs/arm64-v8a"], dir["app/libs/tvm4j_core.jar"]], fromConfig.Select(r => r.Path));
        Assert.All(fromConfig, r => Assert.StartsWith("config ", r.Source));

        var env = new ToolchainLocationsResolver(Env(dir, ("ALC_AVA_APP", $"b/jniLibs{Path.PathSeparator}b/tvm4j_core.jar")), dir.Path, HostPlatform.Linux);
        var fromEnv = env.Resolve().AvaApp;
        Assert.Equal([dir["b/jniLibs"], dir["b/tvm4j_core.jar"]], fromEnv.Select(r => r.Path));
        Assert.All(fromEnv, r => Assert.Equal("ALC_AVA_APP", r.Source));

        var flags = env.Resolve(new ToolchainOverrides { AvaApp = ["app.apk"] }).AvaApp;
        Assert.Equal([dir["app.apk"]], flags.Select(r => r.Path));
        Assert.Equal("--ava-app", flags.Single().Source);
        // The Action names its input in messages.
        Assert.Equal("'app' input", env.Resolve(new ToolchainOverrides { AvaApp = ["app.apk"], AvaAppName = "'app' input" }).AvaApp.Single().Source);
    }

    [Fact]
    public void Upstream_variables_are_used_when_alc_is_not_configured()
    {
        using var dir = new TempDir("loc");
        var env = Env(dir, ("TVM_HOME", "/src/tvm"), ("TVM_LIBRARY_PATH", "/src/tvm/build-release"),
            ("MLC_LLM_SOURCE_DIR", "/Volumes/Drive/mlc-llm"), ("ANDROID_NDK_HOME", "/opt/ndk"));
        var l = new ToolchainLocationsResolver(env, dir.Path, HostPlatform.MacOsArm64).Resolve();
        Assert.Equal("/src/tvm", l.TvmSourceDir!.Path);
        Assert.Equal("/src/tvm/build-release", l.TvmBuildDir!.Path);
        Assert.Equal("/Volumes/Drive/mlc-llm", l.MlcLlmDir!.Path);
        Assert.Equal("/opt/ndk", l.NdkDir!.Path);
        Assert.Equal("ANDROID_NDK_HOME", l.NdkDir.Source);
    }

    [Fact]
    public void The_user_config_is_read_and_the_project_config_wins_per_key()
    {
        using var dir = new TempDir("loc");
        dir.Write(".config/alc/toolchain.json", """{ "python": "/usr/bin/python3.11", "ndkDir": "/user/ndk" }""");
        dir.Write("work/alc.toolchain.json", """{ "ndkDir": "/project/ndk" }""");
        var l = new ToolchainLocationsResolver(Env(dir), dir["work"], HostPlatform.Linux).Resolve();
        Assert.Equal("/usr/bin/python3.11", l.Python!.Path);
        Assert.Equal("/project/ndk", l.NdkDir!.Path);
    }

    [Fact]
    public void A_venv_folder_resolves_to_its_interpreter_and_a_bare_name_is_found_on_PATH()
    {
        using var dir = new TempDir("loc");
        dir.Write("venvs/tvm/bin/python3", "");
        dir.Write("tools/python3.11", "");
        var env = Env(dir, ("PATH", dir["tools"]));
        var resolver = new ToolchainLocationsResolver(env, dir.Path, HostPlatform.Linux);

        Assert.Equal(dir["venvs/tvm/bin/python3"], resolver.Resolve(new ToolchainOverrides { Python = "~/venvs/tvm" }).Python!.Path);
        Assert.Equal(dir["tools/python3.11"], resolver.Resolve(new ToolchainOverrides { Python = "python3.11" }).Python!.Path);
    }

    [Fact]
    public void Setup_prefix_layout_is_found_without_any_configuration()
    {
        using var dir = new TempDir("loc");
        var prefix = dir[".local/share/alc/toolchain"];
        dir.Write(".local/share/alc/toolchain/tvm/CMakeLists.txt", "");
        dir.Write(".local/share/alc/toolchain/mlc-llm/python/mlc_llm/__init__.py", "");
        dir.Write(".local/share/alc/toolchain/venv/bin/python3", "");
        dir.Write(".local/share/alc/toolchain/android-ndk-r27/source.properties", "Pkg.Revision = 27.0.12077973\n");

        var l = new ToolchainLocationsResolver(Env(dir), dir.Path, HostPlatform.Linux).Resolve();
        Assert.Equal(prefix, l.Prefix!.Path);
        Assert.Equal(Path.Combine(prefix, "tvm"), l.TvmSourceDir!.Path);
        Assert.Equal(Path.Combine(prefix, "tvm", "build"), l.TvmBuildDir!.Path);
        Assert.Equal(Path.Combine(prefix, "mlc-llm"), l.MlcLlmDir!.Path);
        Assert.Equal(Path.Combine(prefix, "venv", "bin", "python3"), l.Python!.Path);
        Assert.Equal(Path.Combine(prefix, "android-ndk-r27"), l.NdkDir!.Path);
    }

    [Fact]
    public void The_ndk_is_found_under_the_android_sdk_preferring_the_locked_version()
    {
        using var dir = new TempDir("loc");
        dir.Write("Library/Android/sdk/ndk/26.1.10909125/source.properties", "");
        dir.Write("Library/Android/sdk/ndk/27.0.12077973/source.properties", "");
        dir.Write("Library/Android/sdk/ndk/28.0.13004108/source.properties", "");
        var mac = new ToolchainLocationsResolver(Env(dir), dir.Path, HostPlatform.MacOsArm64).Resolve();
        Assert.Equal(dir["Library/Android/sdk/ndk/27.0.12077973"], mac.NdkDir!.Path);

        dir.Write("sdk/ndk/26.1.10909125/source.properties", "");
        dir.Write("sdk/ndk/25.2.9519653/source.properties", "");
        var linux = new ToolchainLocationsResolver(Env(dir, ("ANDROID_HOME", dir["sdk"])), dir.Path, HostPlatform.Linux).Resolve();
        // Not the locked version, but the newest one there, so doctor can name what it found.
        Assert.Equal(dir["sdk/ndk/26.1.10909125"], linux.NdkDir!.Path);
    }

    [Fact]
    public void LLVM_15_is_searched_in_the_Debian_and_Homebrew_places()
    {
        using var dir = new TempDir("loc");
        dir.Write("bin/llvm-config-15", "");
        var env = Env(dir, ("PATH", dir["bin"]));
        var linux = new ToolchainLocationsResolver(env, dir.Path, HostPlatform.Linux).LlvmConfigCandidates();
        Assert.Equal([dir["bin/llvm-config-15"], "/usr/lib/llvm-15/bin/llvm-config"], linux);

        var mac = new ToolchainLocationsResolver(Env(dir), dir.Path, HostPlatform.MacOsArm64).LlvmConfigCandidates();
        Assert.Equal(["/opt/homebrew/opt/llvm@15/bin/llvm-config", "/usr/local/opt/llvm@15/bin/llvm-config"], mac);

        var resolved = new ToolchainLocationsResolver(env, dir.Path, HostPlatform.Linux).Resolve();
        Assert.Equal(dir["bin/llvm-config-15"], resolved.LlvmConfig!.Path);
        var fromPrefix = new ToolchainLocationsResolver(Env(dir, ("ALC_LLVM_PREFIX", "/opt/homebrew/opt/llvm@15")), dir.Path, HostPlatform.MacOsArm64).Resolve();
        Assert.Equal("/opt/homebrew/opt/llvm@15/bin/llvm-config", fromPrefix.LlvmConfig!.Path);
    }

    [Fact]
    public void The_environment_for_the_mlc_driver_names_every_located_part()
    {
        var l = ToolchainLocations.Empty
            .WithTvmSourceDir(new LocatedPath("/tc/tvm", "t"))
            .WithTvmBuildDir(new LocatedPath("/tc/tvm/build", "t"))
            .WithMlcLlmDir(new LocatedPath("/drive/mlc-llm", "t"))
            .WithNdkDir(new LocatedPath("/ndk", "t"));
        var env = ToolchainEnvironment.For(l, ToolchainLock.Default, HostPlatform.MacOsArm64,
            new Dictionary<string, string> { ["PYTHONPATH"] = "/mine" });
        Assert.Equal("/tc/tvm/python:/drive/mlc-llm/python:/mine", env["PYTHONPATH"]);
        Assert.Equal("/tc/tvm/build", env["TVM_LIBRARY_PATH"]);
        Assert.Equal("/tc/tvm", env["TVM_SOURCE_DIR"]);
        Assert.Equal("/drive/mlc-llm", env["MLC_LLM_SOURCE_DIR"]);
        Assert.Equal("/ndk/toolchains/llvm/prebuilt/darwin-x86_64/bin/aarch64-linux-android24-clang", env["TVM_NDK_CC"]);
    }

    [Fact]
    public void WithX_returns_a_copy_and_leaves_the_original_alone()
    {
        var a = ToolchainLocations.Empty.WithPython(new LocatedPath("/a/python", "x"));
        var b = a.WithPython(new LocatedPath("/b/python", "y"));
        Assert.Equal("/a/python", a.Python!.Path);
        Assert.Equal("/b/python", b.Python!.Path);
    }
}
