using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// The compile pipeline's verify stage and link proof with AVA's runtime as a set (ALC_AVA_RUNTIME: a folder or a
/// list): a standard v0.22.0 build's libtvm_runtime.so + libtvm_ffi.so (clang/lld-built from abi/tvm-v0.22.0.json),
/// the stand-in MLC toolchain, and a fabricated NDK around Debian's ld.lld-14.
/// </summary>
public class RuntimeSetPipelineTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static void AssertOk(AlcResult r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdErr}\n{r.StdOut}");

    [Fact]
    public async Task A_runtime_folder_with_libtvm_runtime_and_libtvm_ffi_passes_verify_and_links_and_libtvm_runtime_alone_says_to_pass_libtvm_ffi()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);

        // libtvm_runtime.so alone (a folder holding only it): exit 1 at verify, nothing packaged, the message says what to add.
        var alone = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", Fixtures.Tvm("runtime-no-ffi")), ("ALC_ANDROID_NDK", ndk)));
        Assert.Equal(1, alone.ExitCode);
        var text = Flat(alone.StdErr + alone.StdOut);
        Assert.Contains("The runtime runtime-no-ffi/libtvm_runtime.so exports no TVMFFI* symbols: they live in libtvm_ffi.so — pass it too.", text);
        Assert.Contains("libtvm_runtime.so links libtvm_ffi.so (DT_NEEDED), but libtvm_ffi.so is not among the runtime files given (runtime-no-ffi)", text);
        Assert.False(Directory.Exists(h.Dist));
        var md = File.ReadAllText(Path.Combine(h.Build, "verification-report.md"));
        Assert.Contains("runtime-incomplete", md);
        Assert.Contains("(not given)", md);

        // The folder the app ships (libtvm_runtime.so, libtvm_ffi.so and an unrelated app library): verify and ld.lld pass.
        var folder = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", Fixtures.Tvm("runtime-split")), ("ALC_ANDROID_NDK", ndk)));
        AssertOk(folder);
        var verification = folder.Json().RootElement.GetProperty("report").GetProperty("verification");
        Assert.Equal(["runtime-split/libtvm_ffi.so", "runtime-split/libtvm_runtime.so"],
            verification.GetProperty("runtimeSources").EnumerateArray().Select(s => s.GetString()).Order().ToList());
        Assert.True(verification.GetProperty("linkProof").GetProperty("linked").GetBoolean());
        var stage = folder.Json().RootElement.GetProperty("report").GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "verify");
        Assert.Contains("names checked against runtime-split/libtvm_ffi.so + runtime-split/libtvm_runtime.so", stage.GetProperty("summary").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.Build, "verification-report.json")));
        var files = report.RootElement.GetProperty("runtimeSet").GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        Assert.Contains(files, f => f.GetProperty("tvmExports").GetProperty("TVMFFI*").GetInt32() == 42);
        Assert.True(File.Exists(h.Package));
    }

    [Fact]
    public async Task ALC_AVA_RUNTIME_takes_a_list_of_files_and_adding_libtvm_ffi_reruns_verify()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);
        var runtime = Fixtures.Tvm("runtime-split/libtvm_runtime.so");
        var ffi = Fixtures.Tvm("runtime-split/libtvm_ffi.so");

        var alone = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime), ("ALC_ANDROID_NDK", ndk)));
        Assert.Equal(1, alone.ExitCode);
        Assert.Contains("There is a libtvm_ffi.so beside libtvm_runtime.so: pass the folder holding both as the runtime (--ava-runtime PATH)", Flat(alone.StdErr + alone.StdOut));

        var both = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime + Path.PathSeparator + ffi), ("ALC_ANDROID_NDK", ndk)));
        AssertOk(both);
        var link = both.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof");
        Assert.True(link.GetProperty("linked").GetBoolean());
    }

    [Fact]
    public async Task An_old_API_runtime_stops_the_compile_naming_it_a_v020_runtime()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", Fixtures.Tvm("libtvm_runtime-v0.20.so"))));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("The runtime libtvm_runtime-v0.20.so exports the old C API (TVMFuncCall, TVMAPISetLastError)", Flat(r.StdErr + r.StdOut));
        Assert.Contains("it is a ≤ v0.20 runtime", Flat(r.StdErr + r.StdOut));
        Assert.False(Directory.Exists(h.Dist));
    }

    [Fact]
    public async Task A_packed_single_file_runtime_still_passes_the_compile_with_the_link_proof()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);
        var r = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", Fixtures.Tvm("libtvm4j_runtime_packed.so")), ("ALC_ANDROID_NDK", ndk)));
        AssertOk(r);
        Assert.True(r.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof").GetProperty("linked").GetBoolean());
    }
}
