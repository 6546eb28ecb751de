using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Toolchain;

public class DoctorCommandTests
{
    [Fact]
    public async Task I_can_check_a_correct_toolchain_and_get_exit_0_with_a_json_report()
    {
        using var tc = new FakeToolchain();
        var r = await AlcRun.RunAsync(tc.Root, tc.Environment, "doctor", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = r.Json();
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("tvm-v0.22.0", json.RootElement.GetProperty("abiProfile").GetString());
        Assert.Equal(tc.Python, json.RootElement.GetProperty("locations").GetProperty("python").GetProperty("path").GetString());
        Assert.Equal("ALC_PYTHON", json.RootElement.GetProperty("locations").GetProperty("python").GetProperty("source").GetString());
        var ids = json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains("mlc-llm-models", ids);
        Assert.Contains("No issues found", r.StdErr);
        Assert.DoesNotContain("[✗]", r.StdErr);
    }

    [Fact]
    public async Task A_broken_toolchain_exits_3_with_a_table_of_found_expected_and_fix()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.15.post2");
        var r = await AlcRun.RunAsync(tc.Root, tc.Environment, "doctor");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.StdOut);
        var failed = Assert.Single(r.StdErr.Split('\n'), l => l.StartsWith("[✗] "));
        Assert.Contains("0.1.15.post2", failed);
        Assert.Contains("(expected apache-tvm-ffi 0.1.0", failed);
        Assert.Contains("1 required check(s) failed", r.StdErr);
        Assert.Contains("\n    alc toolchain setup\n", r.StdErr.Replace("\r", ""));
    }

    [Fact]
    public async Task Flags_override_the_environment_and_fast_runs_the_compile_subset()
    {
        using var tc = new FakeToolchain();
        var env = tc.Environment;
        env["ALC_ANDROID_NDK"] = "/nowhere/ndk";
        var r = await AlcRun.RunAsync(tc.Root, env, "doctor", "--fast", "--json", "--ndk", tc["ndk"]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = r.Json();
        Assert.Equal("compile", json.RootElement.GetProperty("scope").GetString());
        var ids = json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain("mlc-llm-models", ids);
        Assert.Equal("--ndk", json.RootElement.GetProperty("locations").GetProperty("ndkDir").GetProperty("source").GetString());
    }
}
