using System.IO.Compression;
using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;
using Json.Schema;

namespace Ava.Compiler.Tests.Verification.AppChain;

/// <summary>
/// <c>alc verify --app</c> on app stacks built at test time (javac + jar, clang-14 + ld.lld-14 for aarch64-linux-android):
/// each link of jar → JNI bridge → runtime → model library is shown to pass on a matching stack and to fail on a broken one.
/// </summary>
public class AppChainTests
{
    private const string SpecHeadline =
        "The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — tvm4j_core.jar is the v0.22 API (declares LibInfo.tvmFFIFunctionGetGlobal) " +
        "but libtvm4j.so exports the v0.20 JNI names (Java_org_apache_tvm_LibInfo_tvmFuncGetGlobal …). " +
        "Rebuild libtvm4j.so from TVM v0.22.0 jvm/native (or use the jar that matches it).";

    private static JsonSchema Schema => Schemas.VerificationReport;

    private static Task<AlcResult> Alc(AppStack s, params string[] args) => AlcRun.RunAsync(s.Root, null, ["verify", .. args]);

    private static JsonElement Links(AlcResult r) => r.Json().RootElement.GetProperty("app").GetProperty("links");

    private static void AssertSchema(AlcResult r)
    {
        var eval = Schema.Evaluate(JsonDocument.Parse(r.StdOut).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(eval.IsValid, string.Join("\n", (eval.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    /// <summary>v0.22 jar + v0.22 bridge linked against libtvm_runtime.so → libtvm_ffi.so (the standard v0.22 layout).</summary>
    private static (string Jar, string Libs) Matching(AppStack s)
    {
        var libs = s.Runtime("jniLibs/arm64-v8a");
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022);
        return (s.Jar(AppStack.V022), libs);
    }

    /// <summary>The spec's app: a v0.22 jar and v0.22 runtime, but libtvm4j.so built from v0.20's jvm/native (the TVM4J_ANDROID form, runtime compiled in).</summary>
    private static (string Jar, string Libs) SpecMismatch(AppStack s)
    {
        var libs = s.Runtime("jniLibs/arm64-v8a");
        s.Bridge("jniLibs/arm64-v8a", AppStack.V020, packed: true);
        return (s.Jar(AppStack.V022), libs);
    }

    [Fact]
    public async Task A_matching_jar_bridge_runtime_and_model_library_are_proven_link_by_link()
    {
        using var s = new AppStack();
        var (jar, libs) = Matching(s);
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("App runtime chain (android-arm64): PROVEN", r.StdErr);
        Assert.Contains("✓ jar → JNI bridge: tvm4j_core.jar (v0.22 API) → libtvm4j.so", r.StdErr);
        Assert.Contains("All 21 native methods of the v0.22 API are exported by libtvm4j.so", r.StdErr);
        Assert.True(r.StdErr.Contains("✓ JNI bridge → runtime: libtvm4j.so → libtvm_ffi.so + libtvm_runtime.so"), r.StdErr); // its DT_NEEDED, in order
        Assert.Contains("libtvm4j.so: bridge; TVM v0.22.0 JNI names; needs libtvm_ffi.so, libtvm_runtime.so", r.StdErr);
        Assert.Contains("✓ runtime → model library", r.StdErr);

        var json = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar, "--json");
        AssertSchema(json);
        var links = Links(json);
        Assert.Equal(["jar-bridge", "bridge-runtime", "runtime-model"], links.EnumerateArray().Select(l => l.GetProperty("kind").GetString()!));
        Assert.All(links.EnumerateArray(), l => Assert.Equal("ok", l.GetProperty("status").GetString()));
        Assert.Equal("v0.22.0", json.Json().RootElement.GetProperty("app").GetProperty("api").GetProperty("generation").GetString());
    }

    [Fact]
    public async Task The_spec_mismatch_prints_the_users_UnsatisfiedLinkError_headline_and_exits_1()
    {
        using var s = new AppStack();
        var (jar, libs) = SpecMismatch(s);
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("App runtime chain (android-arm64): BROKEN", r.StdErr);
        Assert.Contains("✗ jar → JNI bridge: tvm4j_core.jar (v0.22 API) → libtvm4j.so", r.StdErr);
        Assert.Contains("      " + SpecHeadline + "\n", r.StdErr.ReplaceLineEndings("\n"));
        // The packed bridge carries its runtime: shown as that, never as "libtvm4j.so → libtvm4j.so".
        Assert.Contains("✓ JNI bridge → runtime: libtvm4j.so → the runtime built into libtvm4j.so", r.StdErr);
        Assert.Contains("✗ runtime → model library: the runtime built into libtvm4j.so → v022-android.tar", r.StdErr);
        Assert.DoesNotContain("libtvm4j.so → libtvm4j.so", r.StdErr);
        // The paths were given absolute (a temp folder); the summary screen names files, not the folders they sit in.
        var screen = ChainScreen(r.StdErr);
        Assert.DoesNotContain(s.Root, screen);
        Assert.Contains("  libtvm4j.so: bridge+runtime; TVM v0.20.0 JNI names", screen);
        Assert.Contains("[tvm4j_core.jar!org/apache/tvm/LibInfo.class]", screen);

        var json = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar, "--json");
        AssertSchema(json);
        var link = Links(json)[0];
        Assert.Equal("failed", link.GetProperty("status").GetString());
        Assert.Equal(SpecHeadline, link.GetProperty("reason").GetString());
        var problems = link.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(18, problems.Count); // 21 v0.22 natives; nativeLibInit, shutdown and tvmSynchronize kept their v0.20 names
        Assert.Contains(problems, p => p.GetProperty("symbol").GetString() == "Java_org_apache_tvm_LibInfo_tvmFFIFunctionGetGlobal");
        Assert.All(problems, p => Assert.Equal("unsatisfied-link", p.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task The_report_markdown_carries_the_chain_with_the_headline()
    {
        using var s = new AppStack();
        var (jar, libs) = SpecMismatch(s);
        var r = await Alc(s, "--app", libs, "--app", jar, "--report", "out");
        Assert.Equal(1, r.ExitCode);
        var md = File.ReadAllText(s["out/verification-report.md"]);
        Assert.Contains("## App runtime chain — **broken**", md);
        Assert.Contains("| ✗ | jar → JNI bridge |", md);
        Assert.Contains("tvmFFIFunctionGetGlobal", md);
        Assert.Contains("| ✓ | JNI bridge → runtime | `libtvm4j.so` | `the runtime built into libtvm4j.so` |", md);
        var chain = md[md.IndexOf("## App runtime chain", StringComparison.Ordinal)..];
        var end = chain.IndexOf("\n## ", 5, StringComparison.Ordinal);
        // Its tables and header name files (a problem's "in:" line keeps the location as given, like the console's -->).
        var rows = (end < 0 ? chain : chain[..end]).Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) || l.StartsWith("tvm4j API:", StringComparison.Ordinal));
        Assert.DoesNotContain(s.Root, string.Join("\n", rows));
    }

    /// <summary>The one-screen chain summary: from its headline to the first line that is not part of it.</summary>
    private static string ChainScreen(string stderr)
    {
        var lines = stderr.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("App runtime chain", StringComparison.Ordinal));
        Assert.True(start >= 0, stderr);
        return string.Join("\n", lines.Skip(start).TakeWhile((l, i) => i == 0 || l.StartsWith("  ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_bridge_whose_runtime_lacks_a_symbol_fails_the_bridge_to_runtime_link_naming_it()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a");
        // Built against newer tvm-ffi headers: TVMFFIHandleInitOnce exists only after tvm-ffi 0.1.0.
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022, extraImports: ["TVMFFIHandleInitOnce"]);
        // ld.lld links it (shared objects may leave symbols undefined); the proof must still catch it.
        var jar = s.Jar(AppStack.V022);
        var r = await Alc(s, "--app", libs, "--app", jar, "--json");
        Assert.Equal(1, r.ExitCode);
        AssertSchema(r);
        var links = Links(r);
        Assert.Equal("ok", links[0].GetProperty("status").GetString());
        Assert.Equal("failed", links[1].GetProperty("status").GetString());
        var p = Assert.Single(links[1].GetProperty("problems").EnumerateArray());
        Assert.Equal("TVMFFIHandleInitOnce", p.GetProperty("symbol").GetString());
        Assert.Contains("System.loadLibrary fails", links[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_old_generation_runtime_is_diagnosed_and_fails_the_bridge_and_model_links()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a", old: true);
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022, packed: false);
        var jar = s.Jar(AppStack.V022);
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("✓ jar → JNI bridge", r.StdErr);
        Assert.Contains("✗ JNI bridge → runtime", r.StdErr);
        Assert.True(r.StdErr.Contains("libtvm_runtime.so: tvm-runtime, TVM ≤ v0.2") && r.StdErr.Contains(" (the old C API: TVMFuncCall, TVMAPISetLastError)."), r.StdErr);
        Assert.Contains("✗ runtime → model library: libtvm_runtime.so →", r.StdErr);
    }

    [Fact]
    public async Task A_runtime_problem_points_at_the_file_in_the_folder_or_apk_it_came_from_never_at_a_temp_folder()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a", old: true);
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022, packed: false);
        var jar = s.Jar(AppStack.V022);
        static List<string> Arrows(AlcResult r) => r.StdErr.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("  --> ", StringComparison.Ordinal)).ToList();

        // The folder given absolute (a temp folder): the location keeps the app's part of it, jniLibs/<abi>/.
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar);
        Assert.Equal(1, r.ExitCode);
        var arrows = Arrows(r);
        Assert.True(arrows.Contains("  --> jniLibs/arm64-v8a/libtvm_runtime.so"), r.StdErr);
        Assert.DoesNotContain("  --> libtvm_runtime.so", arrows);
        // The model library is given by its repository path (under /tmp in a clean-clone CI run): only the app's files count.
        static bool InRepo(string a) => a.Contains(RepoPaths.Combine("tests", "fixtures"), StringComparison.Ordinal);
        Assert.DoesNotContain(arrows, a => a.Contains(s.Root, StringComparison.Ordinal) || (a.Contains(Path.GetTempPath(), StringComparison.Ordinal) && !InRepo(a)));

        // The same files inside an .apk (read from the zip, written to a private temp folder to be proven): the apk's own path.
        var apk = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", s.Apk("app.apk", AppStack.V022, libs));
        Assert.Equal(1, apk.ExitCode);
        var apkArrows = Arrows(apk);
        Assert.True(apkArrows.Contains("  --> app.apk!lib/arm64-v8a/libtvm_runtime.so"), apk.StdErr);
        Assert.DoesNotContain(apkArrows, a => (a.Contains(Path.GetTempPath(), StringComparison.Ordinal) && !InRepo(a)) || a.Contains("alc-app-runtime-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bridge_that_registers_natives_in_JNI_OnLoad_is_reported_as_not_provable_instead_of_passing()
    {
        using var s = new AppStack();
        var libs = s.Runtime("jniLibs/arm64-v8a");
        s.Bridge("jniLibs/arm64-v8a", AppStack.V022, dynamic: true);
        var jar = s.Jar(AppStack.V022);
        var r = await Alc(s, "--app", libs, "--app", jar);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NOT PROVEN", r.StdErr);
        Assert.Contains("? jar → JNI bridge", r.StdErr);
        Assert.Contains("exports JNI_OnLoad, so it may bind them at load time with RegisterNatives", r.StdErr);
        var json = await Alc(s, "--app", libs, "--app", jar, "--json");
        Assert.Equal("unproven", Links(json)[0].GetProperty("status").GetString());
        Assert.Equal("dynamic-registration", Links(json)[0].GetProperty("problems")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_aar_is_read_through_its_classes_jar_and_jni_folder_and_other_ABIs_are_skipped()
    {
        using var s = new AppStack();
        var (jar, libs) = Matching(s);
        var aar = s.Aar("tvm4j.aar", jar, libs);
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", aar, "--json");
        Assert.True(r.ExitCode == 0, r.StdOut);
        var app = r.Json().RootElement.GetProperty("app");
        Assert.Equal("v0.22.0", app.GetProperty("api").GetProperty("generation").GetString());
        Assert.Contains(app.GetProperty("api").GetProperty("sources").EnumerateArray(), x => x.GetString()!.EndsWith("tvm4j.aar!classes.jar!org/apache/tvm/LibInfo.class", StringComparison.Ordinal));
        Assert.Contains(app.GetProperty("skipped").EnumerateArray(), x => x.GetProperty("path").GetString()!.EndsWith("tvm4j.aar!jni/x86_64/libtvm4j.so", StringComparison.Ordinal));

        // The same .aar with the v0.20 bridge inside fails.
        using var bad = new AppStack();
        var (badJar, badLibs) = SpecMismatch(bad);
        var badAar = bad.Aar("tvm4j.aar", badJar, badLibs);
        var rb = await Alc(bad, "--app", badAar);
        Assert.Equal(1, rb.ExitCode);
        Assert.Contains("UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — tvm4j.aar is the v0.22 API", rb.StdErr);
    }

    [Fact]
    public async Task An_apk_made_by_zipping_classes_dex_and_libs_is_proven_or_shows_the_spec_mismatch()
    {
        using var s = new AppStack();
        var (_, libs) = Matching(s);
        var good = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", s.Apk("app.apk", AppStack.V022, libs));
        Assert.True(good.ExitCode == 0, good.StdErr);
        Assert.Contains("tvm4j API: the v0.22 API", good.StdErr);
        Assert.Contains("app.apk!classes.dex", good.StdErr);

        using var b = new AppStack();
        var (_, badLibs) = SpecMismatch(b);
        var bad = await Alc(b, "--app", b.Apk("app.apk", AppStack.V022, badLibs));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — app.apk is the v0.22 API (declares LibInfo.tvmFFIFunctionGetGlobal) but libtvm4j.so exports the v0.20 JNI names", bad.StdErr);
    }

    [Fact]
    public async Task Only_a_jniLibs_folder_without_the_jar_is_not_proven()
    {
        using var s = new AppStack();
        var (_, libs) = Matching(s);
        var r = await Alc(s, "--app", libs);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("No org.apache.tvm class with native methods was found", r.StdErr);
    }

    [Fact]
    public async Task Runtime_and_app_together_are_a_usage_error()
    {
        using var s = new AppStack();
        var (jar, libs) = Matching(s);
        var r = await Alc(s, Fixtures.Tvm("v022-android.tar"), "--app", libs, "--app", jar, "--runtime", Path.Combine(libs, "libtvm_runtime.so"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--runtime and --app both name the runtime", r.StdErr);
    }

    public static TheoryData<string, string> DamagedInputs => new()
    {
        { "truncated-jar", "not a readable zip" },
        { "bad-class-magic", "is not a jar, .aar, .apk, class file, DEX file or shared library" },
        { "bad-class-tag", "has unknown tag" },
        { "truncated-class", "runs past the end" },
        { "dex-checksum", "Adler-32 checksum does not match" },
        { "zip-crc", "CRC-32 does not match" },
    };

    [Theory]
    [MemberData(nameof(DamagedInputs))]
    public async Task Damaged_jars_class_files_and_DEX_files_exit_2_naming_the_file_and_the_damage(string kind, string expected)
    {
        using var s = new AppStack();
        var jar = File.ReadAllBytes(s.Jar(AppStack.V022));
        var cls = File.ReadAllBytes(Path.Combine(s.Classes(AppStack.V022), "org", "apache", "tvm", "LibInfo.class"));
        var dex = DexWriter.Write([new DexWriter.DexClass("org.apache.tvm.LibInfo", [new("tvmFFIFunctionGetGlobal", "(Ljava/lang/String;Lorg/apache/tvm/Base$RefLong;)I")])]);
        var (name, bytes) = kind switch
        {
            "truncated-jar" => ("broken.jar", jar[..(jar.Length / 2)]),
            "bad-class-magic" => ("LibInfo.class", Flip(cls, 0)),
            "bad-class-tag" => ("LibInfo.class", SetByte(cls, 10, 99)), // the first constant's tag
            "truncated-class" => ("LibInfo.class", cls[..(cls.Length - 40)]),
            "dex-checksum" => ("classes.dex", Flip(dex, dex.Length - 20)),
            _ => ("stored.jar", StoredJarWithFlippedByte(cls)),
        };
        var path = s["damaged/" + name];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        var r = await Alc(s, "--app", path);
        Assert.True(r.ExitCode == 2, r.StdErr);
        var err = r.StdErr.ReplaceLineEndings("\n").Replace("\n", ""); // the error printer wraps at 120 columns
        Assert.True(err.Contains(expected), r.StdErr);
        Assert.Contains("damaged/" + name, err);
        Assert.DoesNotContain("   at ", r.StdErr); // no stack trace
    }

    private static byte[] SetByte(byte[] data, int at, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[at] = value;
        return copy;
    }

    private static byte[] Flip(byte[] data, int at)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= 0x5a;
        return copy;
    }

    /// <summary>A jar whose class is stored uncompressed, then one byte of it flipped: only the CRC-32 can tell.</summary>
    private static byte[] StoredJarWithFlippedByte(byte[] cls)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        using (var e = zip.CreateEntry("org/apache/tvm/LibInfo.class", CompressionLevel.NoCompression).Open())
            e.Write(cls);
        var bytes = ms.ToArray();
        var at = bytes.AsSpan().IndexOf(cls.AsSpan(0, 16)) + cls.Length - 10; // inside the stored data, past the magic
        bytes[at] ^= 0x01;
        return bytes;
    }
}
