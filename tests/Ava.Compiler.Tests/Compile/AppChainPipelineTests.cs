using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Tests.Verification.AppChain;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// <c>alc compile</c> with the app configured (--ava-app, ALC_AVA_APP): the verify stage proves the app's runtime stack
/// (tvm4j jar → JNI bridge → runtime → the compiled library) on stacks built at test time by javac, clang-14 and
/// ld.lld-14 (<see cref="AppStack"/>), with the stand-in MLC toolchain. A broken chain stops the build before dist/.
/// </summary>
public class AppChainPipelineTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static JsonElement Verification(AlcResult r) => r.Json().RootElement.GetProperty("report").GetProperty("verification");

    private static string VerifySummary(AlcResult r) => r.Json().RootElement.GetProperty("report").GetProperty("stages").EnumerateArray()
        .Single(s => s.GetProperty("name").GetString() == "verify").GetProperty("summary").GetString()!;

    [Fact]
    public async Task A_configured_matching_app_chain_is_proven_by_compile_and_linked_against_the_apps_runtime()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a");
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022);
        var jar = s.Jar(AppStack.V022);
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);

        var r = await h.RunAsync(h.Environment(("ALC_AVA_APP", libs + Path.PathSeparator + jar), ("ALC_ANDROID_NDK", ndk)));
        Assert.True(r.ExitCode == 0, r.StdErr + r.StdOut);
        var v = Verification(r);
        var chain = v.GetProperty("appChain");
        Assert.Equal("proven", chain.GetProperty("status").GetString());
        Assert.Equal(["arm64-v8a", "tvm4j_core.jar"], chain.GetProperty("app").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["jar-bridge", "bridge-runtime", "runtime-model"], chain.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("link").GetString()));
        Assert.All(chain.GetProperty("links").EnumerateArray(), l => Assert.Equal("ok", l.GetProperty("status").GetString()));
        // The library is proven (and linked by ld.lld) against the app's own runtime files, named where they sit in the app
        // (the app folder as the compile names it, never the absolute or temp folder).
        Assert.Equal(["arm64-v8a/libtvm_ffi.so", "arm64-v8a/libtvm_runtime.so"], v.GetProperty("runtimeSources").EnumerateArray().Select(x => x.GetString()!).Order());
        Assert.True(v.GetProperty("linkProof").GetProperty("linked").GetBoolean());
        Assert.Contains("app chain proven: tvm4j v0.22.0 → libtvm4j.so → libtvm_ffi.so + libtvm_runtime.so → model library", VerifySummary(r));
        Assert.Contains("App runtime chain: proven for `arm64-v8a`, `tvm4j_core.jar`", File.ReadAllText(Path.Combine(h.Build, "compile-report.md")));
        Assert.True(File.Exists(h.Package));
    }

    [Fact]
    public async Task The_specs_mismatch_v022_jar_with_a_v020_bridge_refuses_the_compile_with_nothing_in_dist()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a");
        s.Bridge("jniLibs/arm64-v8a", AppStack.V020, packed: true);
        var jar = s.Jar(AppStack.V022);
        using var h = new CompileHarness();

        var r = await h.RunAsync(h.Environment(), "--ava-app", libs, "--ava-app", jar);
        Assert.Equal(1, r.ExitCode);
        var text = Flat(r.StdErr + r.StdOut);
        Assert.Contains("The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — tvm4j_core.jar is the v0.22 API (declares LibInfo.tvmFFIFunctionGetGlobal) " +
            "but libtvm4j.so exports the v0.20 JNI names (Java_org_apache_tvm_LibInfo_tvmFuncGetGlobal …).", text);
        Assert.Contains("Nothing was packaged.", text);
        Assert.False(Directory.Exists(h.Dist));
        Assert.False(File.Exists(Path.Combine(h.Dir["registry"], "models", "AVA-GE3-1B16.json")));
        Assert.Contains("## App runtime chain — **broken**", File.ReadAllText(Path.Combine(h.Build, "verification-report.md")));

        // The same app with the matching bridge: the kept compile output is verified again and the build completes.
        File.Delete(Path.Combine(libs, "libtvm4j.so"));
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022);
        var fixedRun = await h.RunAsync(h.Environment(), "--ava-app", libs, "--ava-app", jar);
        Assert.True(fixedRun.ExitCode == 0, fixedRun.StdErr + fixedRun.StdOut);
        Assert.True(File.Exists(h.Package));
    }

    [Fact]
    public async Task Without_an_app_the_compile_report_says_the_chain_was_not_checked_and_how_to_configure_it()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync();
        Assert.True(r.ExitCode == 0, r.StdErr + r.StdOut);
        var chain = Verification(r).GetProperty("appChain");
        Assert.Equal("not-checked", chain.GetProperty("status").GetString());
        Assert.Contains("as the app (or set ALC_AVA_APP, or avaApp in alc.toolchain.json)", chain.GetProperty("note").GetString());
        Assert.Contains("app chain not checked", VerifySummary(r));
        Assert.Contains("App runtime chain: The app's runtime chain (tvm4j jar → JNI bridge → runtime → this library) was not checked",
            File.ReadAllText(Path.Combine(h.Build, "compile-report.md")));
    }

    [Fact]
    public async Task An_ava_app_path_that_does_not_exist_exits_2_naming_the_flag()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync(h.Environment(), "--ava-app", "no-such-app.apk");
        Assert.Equal(2, r.ExitCode);
        var text = Flat(r.StdErr + r.StdOut);
        Assert.True(text.Contains("no-such-app.apk (--ava-app PATH) does not exist."), text);
        Assert.False(Directory.Exists(h.Dist));
    }
}
