using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Setup;

namespace Ava.Compiler.Tests.Toolchain;

public class SetupPlanTests
{
    private static readonly ToolchainLock Lock = ToolchainLock.Default;

    private static List<(string Id, List<string> Commands)> Plan(System.Text.Json.JsonDocument json) =>
        json.RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("commands").EnumerateArray().Select(c => c.GetString()!).ToList()))
            .ToList();

    [Fact]
    public async Task The_plan_builds_exactly_the_locked_versions()
    {
        using var tc = new FakeToolchain();
        var env = new Dictionary<string, string> { ["PATH"] = tc["llvm/bin"] + ":/usr/bin:/bin", ["ALC_LLVM_CONFIG"] = tc["llvm/bin/llvm-config"] };
        var r = await AlcRun.RunAsync(tc.Root, env, "toolchain", "setup", "--plan", "--json", "--prefix", "tc", "--jobs", "3");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = r.Json();
        var prefix = tc["tc"];
        Assert.Equal(prefix, json.RootElement.GetProperty("prefix").GetString());
        var plan = Plan(json);
        var all = string.Join("\n", plan.SelectMany(p => p.Commands));
        string Step(string id) => string.Join("\n", plan.Single(p => p.Id == id).Commands);

        Assert.Contains($"git -C {prefix}/tvm checkout --force --detach {Lock.Tvm.Commit}", Step("tvm-source"));
        Assert.Contains("submodule update --init --recursive", Step("tvm-source"));
        Assert.Contains($"'-DUSE_LLVM={tc["llvm/bin/llvm-config"]} --ignore-libllvm --link-static'", Step("tvm-configure"));
        Assert.Contains("--target tvm tvm_runtime", Step("tvm-build"));
        Assert.Contains("--parallel 3", Step("tvm-build"));
        Assert.Contains($"-m pip install --no-deps --force-reinstall {prefix}/tvm/{Lock.TvmFfi.SourceSubdirectory}", Step("tvm-ffi"));
        Assert.Contains($"apache-tvm-ffi=={Lock.TvmFfi.Version}", Step("tvm-python"));
        Assert.Contains($"{prefix}/tvm/python", Step("tvm-python"));
        Assert.Contains($"checkout --force --detach {Lock.MlcLlm.Commit}", Step("mlc-source"));
        Assert.DoesNotContain("3rdparty/tvm ", Step("mlc-source") + " ");
        Assert.Contains($"-DTVM_SOURCE_DIR={prefix}/tvm", Step("mlc-build"));
        Assert.Contains($"-m pip install --no-deps --editable {prefix}/mlc-llm/python", Step("mlc-python"));
        Assert.Contains($"apache-tvm-ffi=={Lock.TvmFfi.Version}", Step("mlc-python"));
        Assert.Contains($"https://dl.google.com/android/repository/android-ndk-{Lock.AndroidNdk.Release}-linux.zip", Step("ndk"));
        Assert.Contains($"alc doctor --toolchain-prefix {prefix}", Step("doctor"));

        // Never a PyPI tvm-ffi other than the pin, never flashinfer, never a pip TVM.
        Assert.DoesNotContain("flashinfer", all);
        Assert.DoesNotContain("mlc-ai-nightly", all);
        Assert.DoesNotMatch(@"apache-tvm-ffi(?!==0\.1\.0)", all.Replace("apache-tvm-ffi 0.1.0", ""));
        Assert.Equal("doctor", plan[^1].Id);
        // A non-default prefix is recorded so later commands find it.
        Assert.Contains(plan, p => p.Id == "record-prefix");
    }

    [Fact]
    public async Task An_installed_ndk_and_the_default_prefix_leave_out_the_ndk_and_record_steps()
    {
        using var tc = new FakeToolchain();
        var env = new Dictionary<string, string> { ["ALC_ANDROID_NDK"] = tc["ndk"], ["PATH"] = "/usr/bin:/bin" };
        var r = await AlcRun.RunAsync(tc.Root, env, "toolchain", "setup", "--plan", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = r.Json();
        var ids = Plan(json).Select(p => p.Id).ToList();
        Assert.DoesNotContain("ndk", ids);
        Assert.DoesNotContain("record-prefix", ids);
        Assert.Equal(Path.Combine(tc.Root, ".local", "share", "alc", "toolchain"), json.RootElement.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task The_human_plan_prints_whole_commands_one_per_line()
    {
        using var tc = new FakeToolchain();
        var r = await AlcRun.RunAsync(tc.Root, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, "toolchain", "setup", "--plan", "--prefix", "p");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StdOut);
        var line = r.StdErr.Split('\n').Single(l => l.Contains("pip install apache-tvm-ffi==0.1.0 fastapi"));
        Assert.EndsWith("transformers sentencepiece", line.TrimEnd());
    }

    [Fact]
    public void Setup_installs_exactly_the_lock_s_python_list_and_cpu_torch_from_its_own_index_first()
    {
        var steps = SetupPlan.For(Lock, new SetupOptions("/tc").WithHost(HostPlatform.Linux));
        var mlc = steps.Single(s => s.Id == "mlc-python").Commands.Select(c => c.Display).ToList();
        var torch = mlc.FindIndex(c => c.Contains("--index-url https://download.pytorch.org/whl/cpu torch==2.9.0", StringComparison.Ordinal));
        var rest = mlc.FindIndex(c => c.Contains("fastapi", StringComparison.Ordinal));
        Assert.True(torch >= 0 && rest > torch, string.Join("\n", mlc));
        var installed = steps.SelectMany(s => s.Commands).Where(c => c.Arguments.Contains("install") && c.Program.EndsWith("bin/python", StringComparison.Ordinal))
            .SelectMany(c => c.Arguments).ToHashSet();
        foreach (var p in Lock.Python.Packages) Assert.Contains(p.Requirement, installed);
        foreach (var excluded in new[] { "datasets", "uvicorn", "flashinfer-python==0.4.0", "tiktoken" }) Assert.DoesNotContain(excluded, installed);
    }

    [Fact]
    public void On_macOS_the_ndk_comes_from_sdkmanager_and_libraries_are_dylibs()
    {
        var steps = SetupPlan.For(Lock, new SetupOptions("/tc").WithHost(HostPlatform.MacOsArm64).WithLlvmConfig("/opt/homebrew/opt/llvm@15/bin/llvm-config"));
        var ndk = steps.Single(s => s.Id == "ndk");
        Assert.Contains(ndk.Commands, c => c.Display == $"sdkmanager --sdk_root=/tc/android-sdk --install 'ndk;{Lock.AndroidNdk.Version}'");
        var build = steps.Single(s => s.Id == "tvm-build");
        Assert.Contains(build.DoneWhen, c => c.Describe() == "/tc/tvm/build/libtvm.dylib exists");
        Assert.Contains(steps.Single(s => s.Id == "tvm-configure").Commands[0].Arguments,
            a => a == "-DUSE_LLVM=/opt/homebrew/opt/llvm@15/bin/llvm-config --ignore-libllvm --link-static");
    }

    [Fact]
    public async Task Setup_names_every_missing_program_before_building_anything()
    {
        using var tc = new FakeToolchain();
        var r = await AlcRun.RunAsync(tc.Root, new Dictionary<string, string> { ["PATH"] = tc["empty-bin"] }, "toolchain", "setup", "--prefix", "p", "--json");
        Assert.Equal(3, r.ExitCode);
        using var json = r.Json();
        var problem = json.RootElement.GetProperty("error").GetProperty("problem").GetString()!;
        foreach (var program in new[] { "git", "cmake", "curl", "unzip", "cargo (Rust" }) Assert.Contains(program, problem);
        Assert.False(Directory.Exists(tc["p/tvm"]));
    }

    [Fact]
    public async Task Setup_refuses_to_configure_TVM_with_another_LLVM()
    {
        using var tc = new FakeToolchain();
        foreach (var program in new[] { "git", "cmake", "curl", "unzip", "rm", "c++", "cargo", "python3" })
            tc.WriteExecutable($"bin/{program}", "#!/bin/sh\nexit 0");
        tc.SetLlvm("14.0.6", "AArch64");
        var env = new Dictionary<string, string> { ["PATH"] = tc["bin"] + ":/usr/bin:/bin", ["ALC_LLVM_CONFIG"] = tc["llvm/bin/llvm-config"] };
        var r = await AlcRun.RunAsync(tc.Root, env, "toolchain", "setup", "--prefix", "p");
        Assert.Equal(3, r.ExitCode);
        var text = System.Text.RegularExpressions.Regex.Replace(r.StdErr, @"\s+", " ");
        Assert.Contains("is LLVM 14.0.6", text);
        Assert.Contains("llvm-15-dev", text);
    }

    [Fact]
    public async Task An_unknown_only_step_is_bad_input_listing_the_steps()
    {
        using var tc = new FakeToolchain();
        var r = await AlcRun.RunAsync(tc.Root, new Dictionary<string, string>(), "toolchain", "setup", "--plan", "--only", "tvm-biuld");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("tvm-build", r.StdErr);
    }

    [Fact]
    public async Task Toolchain_requirements_prints_the_lock_as_pip_files_with_cpu_torch_on_its_own_index()
    {
        using var tc = new FakeToolchain();
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" };
        var plain = await AlcRun.RunAsync(tc.Root, env, "toolchain", "requirements", "--os", "linux");
        Assert.Equal(0, plain.ExitCode);
        var lines = plain.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# Generated by 'alc toolchain requirements'", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("fastapi  # import:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("safetensors  # convert_weight: mlc-ai/mlc-llm@7b15b196:python/mlc_llm/loader/utils.py:57", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("torch", StringComparison.Ordinal) || l.StartsWith("--index-url", StringComparison.Ordinal));

        var indexed = await AlcRun.RunAsync(tc.Root, env, "toolchain", "requirements", "--os", "linux", "--indexed");
        Assert.Equal(["--index-url https://download.pytorch.org/whl/cpu", "torch==2.9.0"],
            indexed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split("  #")[0]));

        // Every package of the lock is in exactly one of the two files.
        var all = lines.Concat(indexed.StdOut.Split('\n')).Select(l => l.Split("  #")[0].Trim()).ToHashSet();
        Assert.All(Lock.Python.Packages, p => Assert.Contains(p.Requirement, all));

        var bad = await AlcRun.RunAsync(tc.Root, env, "toolchain", "requirements", "--os", "windows");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Use --os with one of: linux, macos.", bad.StdErr);
    }
}
