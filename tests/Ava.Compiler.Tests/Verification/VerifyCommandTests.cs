using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification;

public class VerifyCommandTests
{
    private static Task<AlcResult> Alc(params string[] args) => AlcRun.RunAsync(Fixtures.Tvm(""), null, args);

    [Fact]
    public async Task Verify_exits_0_for_an_accepted_library_and_shows_a_table_on_stderr()
    {
        var r = await Alc("verify", "v022-android.tar");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StdOut);
        Assert.Contains("accepted", r.StdErr);
        Assert.Contains("gemma2_q4f16_1_", r.StdErr);
        Assert.Contains("ACCEPTED: 1 of 1 library accepted for android-arm64", r.StdErr);
    }

    [Fact]
    public async Task Verify_exits_1_and_names_the_old_API_with_the_US2_text_and_the_fix()
    {
        var r = await Alc("verify", "v022-android.tar", "v020-android.tar");
        Assert.Equal(1, r.ExitCode);
        var flat = string.Join(" ", r.StdErr.Split('\n').Select(l => l.Trim()));
        Assert.Contains("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", flat);
        Assert.Contains("TVM <= v0.20 (old C API)", flat);
        Assert.Contains("alc doctor", flat);
        Assert.Contains("REJECTED: 1 of 2 libraries accepted", flat);
    }

    [Fact]
    public async Task Verify_of_the_real_lib0_and_devc_given_separately_exits_0_and_says_they_were_checked_as_one_library()
    {
        var dir = Path.Combine(RealTvmFixtures.Directory("android-cpu"));
        var r = await AlcRun.RunAsync(dir, null, ["verify", "lib0.o", "tinycpu_q4f16_1_devc.o"]);
        Assert.Equal(0, r.ExitCode);
        var flat = string.Join(" ", r.StdErr.Split('\n').Select(l => l.Trim()));
        Assert.Contains("note: lib0.o and tinycpu_q4f16_1_devc.o were given as separate arguments and share the system-lib prefix 'tinycpu_q4f16_1_': they are checked as one library.", flat);
        Assert.Contains("ACCEPTED: 1 of 1 library accepted", flat);
    }

    [Fact]
    public async Task Json_prints_one_result_object_on_stdout()
    {
        var r = await Alc("verify", "v020-android.tar", "--json");
        Assert.Equal(1, r.ExitCode);
        using var doc = r.Json();
        Assert.Equal("rejected", doc.RootElement.GetProperty("verdict").GetString());
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        var problem = doc.RootElement.GetProperty("libraries")[0].GetProperty("problems")[0];
        Assert.StartsWith("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Report_writes_markdown_and_json_into_the_folder()
    {
        using var dir = new TempDir();
        var r = await Alc("verify", "v022-android.tar", "--report", dir["reports"], "--runtime", "libtvm_runtime.so", "--system-libs", "sysroot");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("# alc verify: ✅ ACCEPTED", File.ReadAllText(dir["reports/verification-report.md"]));
        Assert.Contains("\"runtimeSources\": [\n    \"libtvm_runtime.so\"", File.ReadAllText(dir["reports/verification-report.json"]));
    }

    [Theory]
    [InlineData("damaged-truncated.tar")]
    [InlineData("damaged-random.bin")]
    [InlineData("damaged-empty.o")]
    [InlineData("no-such-file.tar")]
    public async Task Damaged_or_missing_files_exit_2_with_one_paragraph_and_no_stack_trace(string file)
    {
        var r = await Alc("verify", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: ", r.StdErr);
        Assert.Contains(file, r.StdErr);
        Assert.DoesNotContain("   at ", r.StdErr);
        Assert.Equal(1, r.StdErr.Trim().Split('\n').Count(l => l.StartsWith("error:")));
    }

    [Fact]
    public async Task Target_bundle_and_options_are_passed_through()
    {
        Assert.Equal(0, (await Alc("verify", "v022-linux-x64.tar", "--target", "linux-x64")).ExitCode);
        Assert.Equal(1, (await Alc("verify", "v022-linux-x64.tar")).ExitCode);
        var bundle = await Alc("verify", "v022-android.tar", "v022-android-same-prefix.tar", "--bundle");
        Assert.Equal(1, bundle.ExitCode);
        Assert.Contains("share the system-lib prefix", bundle.StdErr);
        Assert.Equal(2, (await Alc("verify", "v022-android.tar", "--target", "windows-x64")).ExitCode);
        Assert.Equal(2, (await Alc("verify")).ExitCode);
    }

    [Fact]
    public async Task Help_explains_the_runtime_only_context_symbol()
    {
        var r = await Alc("verify", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("TVMFFIEnvModRegisterContextSymbol is runtime-side only", r.StdOut);
        Assert.Contains("--system-libs DIR", r.StdOut);
    }
}

public class SamplesTests
{
    [Theory]
    [InlineData("gemma2_q4f16_1-tvm-v0.22-android.tar", "v022-android.tar")]
    [InlineData("gemma_q4f16_1-tvm-v0.20-android.tar", "v020-android.tar")]
    public void The_demo_samples_are_the_generated_fixtures(string sample, string fixture) =>
        Assert.Equal(File.ReadAllBytes(Fixtures.Tvm(fixture)), File.ReadAllBytes(RepoPaths.Combine("samples", sample)));

    [Fact]
    public async Task The_demo_samples_give_one_accepted_and_one_rejected_with_the_US2_reason()
    {
        var ok = await AlcRun.RunAsync(RepoPaths.Root, (IReadOnlyDictionary<string, string>?)null, "verify", "samples/gemma2_q4f16_1-tvm-v0.22-android.tar");
        Assert.Equal(0, ok.ExitCode);
        var bad = await AlcRun.RunAsync(RepoPaths.Root, (IReadOnlyDictionary<string, string>?)null, "verify", "samples/gemma_q4f16_1-tvm-v0.20-android.tar", "--json");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", bad.StdOut);
    }
}
