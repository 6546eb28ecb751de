using Ava.Compiler.Tests.Compile;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Toolchain.Smoke;

/// <summary><c>alc doctor --smoke</c> and the smoke gate of <c>alc compile</c>, run as the CLI against the stand-in toolchain.</summary>
public class SmokeCommandTests
{
    [Fact]
    public async Task I_can_prove_a_correct_toolchain_with_doctor_smoke_and_see_when_it_passed_on_the_next_doctor()
    {
        using var rig = new SmokeRig();
        var r = await AlcRun.RunAsync(rig.Toolchain.Root, rig.CliEnvironment(), "doctor", "--smoke", "--json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using (var json = r.Json())
        {
            var smoke = json.RootElement.GetProperty("smoke");
            Assert.False(smoke.GetProperty("cached").GetBoolean());
            Assert.Equal("passed", smoke.GetProperty("result").GetProperty("status").GetString());
            Assert.True(smoke.GetProperty("result").GetProperty("seconds").GetDouble() > 0);
        }
        Assert.Contains("smoke compile: passed", r.StdErr);

        var again = await AlcRun.RunAsync(rig.Toolchain.Root, rig.CliEnvironment(), "doctor");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("(cached for this toolchain)", again.StdErr);
        Assert.Equal(3, rig.CallLines().Count); // the second doctor ran nothing
    }

    [Fact]
    public async Task Doctor_smoke_exits_1_when_the_compiled_library_fails_verification_and_3_when_a_step_fails()
    {
        using var rig = new SmokeRig();
        var rejected = await AlcRun.RunAsync(rig.Toolchain.Root, rig.CliEnvironment(("MLC_STANDIN_OLD_API", "1")), "doctor", "--smoke");
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("failed at verify", rejected.StdErr);
        Assert.Contains("TVMFuncCall", rejected.StdErr);

        var broken = await AlcRun.RunAsync(rig.Toolchain.Root, rig.CliEnvironment(("MLC_STANDIN_LLVM", "no-aarch64")), "doctor", "--smoke", "--json");
        Assert.Equal(3, broken.ExitCode);
        using var json = broken.Json();
        var result = json.RootElement.GetProperty("smoke").GetProperty("result");
        Assert.Equal("compile", result.GetProperty("step").GetString());
        Assert.Contains("No available targets", result.GetProperty("errorLine").GetString());
        Assert.Contains("fix: Rebuild TVM with USE_LLVM", broken.StdErr);
    }

    [Fact]
    public async Task Doctor_smoke_with_an_llvm_config_of_the_wrong_version_exits_3_naming_llvm_and_its_fix()
    {
        using var rig = new SmokeRig();
        rig.Toolchain.SetLlvm("14.0.6", "AArch64 X86");
        var r = await AlcRun.RunAsync(rig.Toolchain.Root, rig.CliEnvironment(), "doctor", "--smoke", "--json");

        Assert.Equal(3, r.ExitCode);
        using var json = r.Json();
        var llvm = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "llvm");
        Assert.Equal("fail", llvm.GetProperty("status").GetString());
        Assert.Contains("14.0.6", llvm.GetProperty("found").GetString());
        Assert.Contains("15", llvm.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task Compile_runs_the_smoke_test_once_per_toolchain_and_skips_it_after()
    {
        using var rig = new SmokeRig();
        using var work = new TempDir("gate");
        var model = TinyGemma.Create(work["model"]);
        string[] Args(string build) =>
            ["compile", "gemma3-1b", "--source", model, "--recipes", RepoPaths.Combine("recipes"), "--build-dir", work[build], "--out", work["dist"], "--registry", work["registry"], "--json"];

        var first = await AlcRun.RunAsync(work.Path, rig.CliEnvironment(), Args("build1"));
        Assert.True(first.ExitCode == 0, first.StdErr);
        using (var json = first.Json()) Assert.Equal("passed", json.RootElement.GetProperty("smoke").GetProperty("status").GetString());
        Assert.Equal(3, rig.CallLines().Count(c => c.Contains("alc-smoke-")));
        Assert.Equal(3, rig.CallLines().Count(c => !c.Contains("alc-smoke-")));

        var second = await AlcRun.RunAsync(work.Path, rig.CliEnvironment(), Args("build2"));
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Equal(3, rig.CallLines().Count(c => c.Contains("alc-smoke-"))); // not again
        Assert.Equal(6, rig.CallLines().Count(c => !c.Contains("alc-smoke-"))); // the model itself was compiled again
        Assert.Contains("cached for this toolchain", second.StdErr);
    }

    [Fact]
    public async Task A_failing_smoke_test_stops_compile_before_the_model_is_touched_and_skip_smoke_bypasses_it()
    {
        using var rig = new SmokeRig();
        using var work = new TempDir("gate");
        var model = TinyGemma.Create(work["model"]);
        string[] Args(params string[] extra) =>
            ["compile", "gemma3-1b", "--source", model, "--recipes", RepoPaths.Combine("recipes"), "--build-dir", work["build"], "--out", work["dist"], "--registry", work["registry"], .. extra];
        var env = rig.CliEnvironment(("MLC_STANDIN_LLVM", "no-aarch64"));

        var stopped = await AlcRun.RunAsync(work.Path, env, Args());
        Assert.Equal(3, stopped.ExitCode);
        Assert.Contains("smoke test failed at compile", stopped.StdErr);
        Assert.Contains("Rebuild TVM with USE_LLVM", stopped.StdErr);
        Assert.All(rig.CallLines(), c => Assert.Contains("alc-smoke-", c));
        Assert.False(Directory.Exists(work["dist"]));

        var bypassed = await AlcRun.RunAsync(work.Path, env, Args("--skip-smoke"));
        Assert.True(bypassed.ExitCode == 4, bypassed.StdErr + string.Join("\n", rig.CallLines())); // the model's own compile stage meets the same broken LLVM
        Assert.Contains(rig.CallLines(), c => !c.Contains("alc-smoke-") && c.StartsWith("compile", StringComparison.Ordinal));
        Assert.Equal(3, rig.CallLines().Count(c => c.Contains("alc-smoke-")));
    }
}
