using System.Text.Json;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// The compile pipeline's verify stage links the library with the NDK's ld.lld when an NDK and AVA's runtime are
/// configured (a fabricated NDK around Debian's ld.lld-14, the stand-in MLC toolchain, clang-built runtimes).
/// </summary>
public class PipelineLinkProofTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static void AssertOk(AlcResult r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdErr}\n{r.StdOut}");

    private static JsonElement Stage(AlcResult r, string name) =>
        r.Json().RootElement.GetProperty("report").GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task A_v022_compile_passes_with_the_link_proof_performed_and_no_NDK_later_reruns_verify_with_the_proof_skipped()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);
        var runtime = FabricatedNdk.BuildRuntime(h.Dir["runtime"]);

        var r = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime), ("ALC_ANDROID_NDK", ndk)));

        AssertOk(r);
        var link = r.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof");
        Assert.True(link.GetProperty("performed").GetBoolean());
        Assert.True(link.GetProperty("linked").GetBoolean());
        Assert.Equal("$NDK/toolchains/llvm/prebuilt/linux-x86_64/bin/ld.lld", link.GetProperty("linker").GetString());
        Assert.Equal("27.2.12479018", link.GetProperty("ndkRevision").GetString());
        Assert.Contains("linked with the NDK's ld.lld for aarch64-linux-android24", Stage(r, "verify").GetProperty("summary").GetString());

        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.Build, "verification-report.json"))))
        {
            var l = report.RootElement.GetProperty("link");
            Assert.True(l.GetProperty("linked").GetBoolean());
            Assert.Equal("$NDK/toolchains/llvm/prebuilt/linux-x86_64/sysroot/usr/lib/aarch64-linux-android/24", l.GetProperty("systemLibs").GetString());
        }
        Assert.Contains("Link proof: each library linked with ld.lld", File.ReadAllText(Path.Combine(h.Build, "verification-report.md")));
        Assert.Contains("Linker $NDK/toolchains/llvm/prebuilt/linux-x86_64/bin/ld.lld (NDK 27.2.12479018).", File.ReadAllText(Path.Combine(h.Build, "compile-report.md")));
        var manifest = PackageManifest.Read(h.ModelFolder);
        Assert.True(manifest.Details!["verification"]!["linkProof"]!["linked"]!.GetValue<bool>());
        // The throwaway shared object lives in a deleted temp folder: not in dist/, not in build/.
        Assert.DoesNotContain(Directory.GetFiles(h.Dir.Path, "*.so", SearchOption.AllDirectories),
            f => !f.StartsWith(ndk, StringComparison.Ordinal) && !f.StartsWith(h.Dir["runtime"], StringComparison.Ordinal));

        // The NDK is part of verify's key: without it verify runs again, says why the proof was skipped, and passes.
        var again = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime)));
        AssertOk(again);
        Assert.Equal("skipped", Stage(again, "compile").GetProperty("status").GetString());
        Assert.Equal("ran", Stage(again, "verify").GetProperty("status").GetString());
        Assert.Contains("link proof skipped: no Android NDK configured", Stage(again, "verify").GetProperty("summary").GetString());
        var skipped = again.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof");
        Assert.False(skipped.GetProperty("performed").GetBoolean());
        Assert.Contains("No Android NDK is configured", skipped.GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_runtime_missing_one_symbol_the_objects_need_fails_at_verify_with_exit_1_and_the_linker_diagnosis()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);
        var runtime = FabricatedNdk.BuildRuntime(h.Dir["runtime"], "TVMBackendGetFuncFromEnv");

        var r = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime), ("ALC_ANDROID_NDK", ndk)));

        Assert.Equal(1, r.ExitCode);
        var text = Flat(r.StdErr + r.StdOut);
        Assert.Contains("ld.lld: undefined symbol TVMBackendGetFuncFromEnv, referenced by compile/gemma3_text_q4f16_1-android.tar!lib0.o", text);
        Assert.Contains("linking against libtvm_runtime.so and the API 24 system libraries fails as the app build would", text);
        Assert.DoesNotContain("alc-link-", text); // the linker's temp folder never shows
        Assert.False(Directory.Exists(h.Dist));
        var md = File.ReadAllText(Path.Combine(h.Build, "verification-report.md"));
        Assert.Contains("REJECTED", md);
        Assert.Contains("each library linked with ld.lld", md);
        Assert.Contains("failed", md);
        Assert.Empty(Directory.GetFiles(h.Build, "*.so", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Without_an_NDK_the_proof_is_skipped_with_the_reason_and_the_build_still_passes()
    {
        using var h = new CompileHarness();
        var runtime = FabricatedNdk.BuildRuntime(h.Dir["runtime"]);

        var r = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime)));

        AssertOk(r);
        var link = r.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof");
        Assert.False(link.GetProperty("performed").GetBoolean());
        Assert.Contains("No Android NDK is configured", link.GetProperty("note").GetString());
        Assert.Contains("No Android NDK is configured", Flat(File.ReadAllText(Path.Combine(h.Build, "verification-report.md"))));
        Assert.True(File.Exists(h.Package));

        // A folder that is not an NDK: the proof cannot run, the report says why ('alc doctor' is where it is rejected).
        Directory.CreateDirectory(h.Dir["not-an-ndk"]);
        var broken = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime), ("ALC_ANDROID_NDK", h.Dir["not-an-ndk"])));
        AssertOk(broken);
        Assert.Equal("ran", Stage(broken, "verify").GetProperty("status").GetString());
        var note = broken.Json().RootElement.GetProperty("report").GetProperty("verification").GetProperty("linkProof").GetProperty("note").GetString();
        Assert.Contains("is not an Android NDK", note);
        Assert.Contains("link proof skipped: the NDK has no usable ld.lld or sysroot", Stage(broken, "verify").GetProperty("summary").GetString());
    }
}
