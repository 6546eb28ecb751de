using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.Linking;
using Ava.Compiler.Verification.Runtime;
using Json.Schema;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// A runtime is a set of files: a standard v0.22.0 build's libtvm_runtime.so (TVMBackend*, DT_NEEDED libtvm_ffi.so) with
/// libtvm_ffi.so (the 42 TVMFFI* of abi/tvm-v0.22.0.json), a folder holding them (the app's jniLibs/arm64-v8a/), or one
/// packed libtvm4j_runtime_packed.so. Fixtures: clang-14/ld.lld-14 builds from tests/fixtures/tvm/generate.sh.
/// </summary>
public class RuntimeSetTests
{
    private const string Lld = "/usr/bin/ld.lld-14";

    private static readonly LinkerSetup Setup = new() { Linker = Lld, SystemLibs = Fixtures.Tvm("sysroot"), Source = "test" };

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static VerificationResult Verify(string library, params string[] runtimes) =>
        Verifier.Verify([VerifyInput.Of(Fixtures.Tvm(library))], runtimes.Select(r => VerifyInput.Of(Fixtures.Tvm(r))).ToList(), new VerifyOptions());

    private static Task<AlcResult> Alc(params string[] args) => AlcRun.RunAsync(Fixtures.Tvm(""), null, args);

    [Fact]
    public void The_DT_NEEDED_and_DT_SONAME_alc_reads_are_what_llvm_readelf_prints_for_every_shared_fixture()
    {
        var files = Directory.GetFiles(Fixtures.Tvm(""), "*.so", SearchOption.AllDirectories);
        Assert.True(files.Length >= 10);
        foreach (var file in files)
        {
            var obj = ArtifactReader.ReadObject(file);
            var dynamic = Programs.Ok("llvm-readelf-14", "-d", file);
            var needed = System.Text.RegularExpressions.Regex.Matches(dynamic, @"\(NEEDED\)\s+Shared library: \[(.*)\]").Select(m => m.Groups[1].Value).ToList();
            var soname = System.Text.RegularExpressions.Regex.Match(dynamic, @"\(SONAME\)\s+Library soname: \[(.*)\]");
            Assert.Equal(needed, obj.Needed);
            Assert.Equal(soname.Success ? soname.Groups[1].Value : null, obj.Soname);
        }
        Assert.Equal(["libtvm_ffi.so"], ArtifactReader.ReadObject(Fixtures.Tvm("runtime-split/libtvm_runtime.so")).Needed);
    }

    [Fact]
    public void A_shared_object_without_section_headers_still_names_its_DT_NEEDED_from_the_dynamic_segment()
    {
        using var dir = new TempDir("stripped");
        var stripped = dir["libtvm_runtime.so"];
        Programs.Ok("llvm-objcopy-14", "--strip-sections", Fixtures.Tvm("runtime-split/libtvm_runtime.so"), stripped);
        Assert.DoesNotContain("SONAME", Programs.Ok("llvm-readelf-14", "-S", stripped).ToUpperInvariant().Replace("THERE ARE NO SECTIONS", ""));
        var obj = ArtifactReader.ReadObject(stripped);
        Assert.Equal(["libtvm_ffi.so"], obj.Needed);
        Assert.Equal("libtvm_runtime.so", obj.Soname);

        // A dynamic segment whose string table address lies in no loaded segment is damage, not a crash.
        var bytes = File.ReadAllBytes(stripped);
        var phoff = (int)BitConverter.ToUInt64(bytes, 32);
        for (var i = 0; i < BitConverter.ToUInt16(bytes, 56); i++)
            if (BitConverter.ToUInt32(bytes, phoff + i * 56) == 1) BitConverter.TryWriteBytes(bytes.AsSpan(phoff + i * 56), 7u); // PT_LOAD → PT_TLS
        File.WriteAllBytes(dir["damaged.so"], bytes);
        var e = Assert.Throws<BadInputException>(() => ArtifactReader.ReadObject(dir["damaged.so"]));
        Assert.Contains("lies in no loaded segment", e.Problem);
    }

    [Fact]
    public void A_runtime_folder_holds_libtvm_runtime_and_the_libtvm_ffi_it_links_and_leaves_an_unrelated_app_library_out()
    {
        var set = RuntimeSet.Load([Fixtures.Tvm("runtime-split")]);
        Assert.Equal(["libtvm_ffi.so", "libtvm_runtime.so"], set.Members.Select(m => m.FileName).Order().ToList());
        var ignored = Assert.Single(set.Ignored);
        Assert.EndsWith("libapp_native.so", ignored.Display);
        Assert.Contains("exports no TVM function", ignored.Reason);

        var runtime = set.Members.Single(m => m.FileName == "libtvm_runtime.so");
        var ffi = set.Members.Single(m => m.FileName == "libtvm_ffi.so");
        Assert.Equal(9, runtime.PartExports["tvm-runtime"]);
        Assert.False(runtime.PartExports.ContainsKey("tvm-ffi"));
        Assert.Equal(42, ffi.PartExports["tvm-ffi"]);
        Assert.Equal([ffi], set.NeededBy(runtime));
        Assert.Equal("≥ v0.22", ffi.Generation.Label);
        Assert.False(runtime.Generation.Diagnosed);
        Assert.Equal("tvm-runtime", runtime.Role(set.Layout));
        Assert.Same(ffi, set.ExporterOf("TVMFFIFunctionCall"));
        Assert.Empty(set.Missing);
        // The set together is exactly the profile's surface.
        var profile = new Ava.Compiler.Abi.AbiCatalog().LoadProfile("tvm-v0.22.0");
        Assert.All(profile.RuntimeExports, s => Assert.Contains(s, set.Exports));
        Assert.Empty(RuntimeSetCheck.Run(set, profile));
    }

    [Fact]
    public void Given_files_follow_DT_NEEDED_only_within_what_was_given()
    {
        var alone = RuntimeSet.Load([Fixtures.Tvm("runtime-split/libtvm_runtime.so")]);
        var member = Assert.Single(alone.Members);
        var missing = Assert.Single(alone.Missing);
        Assert.Equal(("libtvm_ffi.so", false), (missing.Library, missing.System));
        Assert.Same(member, missing.Member);

        var both = RuntimeSet.Load([Fixtures.Tvm("runtime-split/libtvm_runtime.so"), Fixtures.Tvm("runtime-split/libtvm_ffi.so")]);
        Assert.Equal(2, both.Members.Count);
        Assert.Empty(both.Missing);
    }

    [Fact]
    public void A_v022_library_is_accepted_against_the_runtime_folder_and_against_its_two_files()
    {
        var folder = Verify("v022-android.tar", "runtime-split");
        Assert.True(folder.Ok, string.Join("\n", folder.AllProblems.Select(p => p.Message)));
        Assert.Equal([Fixtures.Tvm("runtime-split") + "/libtvm_ffi.so", Fixtures.Tvm("runtime-split") + "/libtvm_runtime.so"], folder.RuntimeSources.Order().ToList());
        var files = folder.RuntimeSet!.Files;
        Assert.Equal(42, files.Single(f => f.Path.EndsWith("libtvm_ffi.so")).TvmExports["TVMFFI*"]);
        Assert.Equal(9, files.Single(f => f.Path.EndsWith("libtvm_runtime.so")).TvmExports["TVMBackend*"]);
        Assert.Equal(["libtvm_ffi.so"], files.Single(f => f.Path.EndsWith("libtvm_runtime.so")).Needed);

        Assert.True(Verify("v022-android.tar", "runtime-split/libtvm_runtime.so", "runtime-split/libtvm_ffi.so").Ok);
    }

    [Fact]
    public void Libtvm_runtime_alone_is_rejected_saying_it_links_libtvm_ffi_which_was_not_given_and_to_pass_it_too()
    {
        var r = Verify("v022-android.tar", "runtime-no-ffi/libtvm_runtime.so");
        Assert.False(r.Ok);
        var p = Assert.Single(r.RuntimeSet!.Problems);
        Assert.Equal("runtime-incomplete", p.Code);
        Assert.Equal(Severity.Error, p.Severity);
        Assert.Contains($"The runtime {Fixtures.Tvm("runtime-no-ffi/libtvm_runtime.so")} exports no TVMFFI* symbols: they live in libtvm_ffi.so — pass it too.", p.Message);
        Assert.Contains("libtvm_runtime.so links libtvm_ffi.so (DT_NEEDED), but libtvm_ffi.so is not among the runtime files given (", p.Message);
        Assert.Contains("(path/to/libtvm_ffi.so) to the runtime files (alc verify --runtime PATH)", Remedy.Render(p.RawFix, Ava.Cli.CommandLine.CliInputs.For(null)));
        // The library's own problems say why the names are unresolved.
        var call = Assert.Single(r.Libraries[0].Problems, q => q.Symbol == "TVMFFIFunctionCall");
        Assert.Equal("unresolved-symbol", call.Code);
        Assert.Contains("they live in libtvm_ffi.so, which is not in the runtime set", call.Message);

        // With libtvm_ffi.so right beside it, the fix names the folder to pass.
        var beside = Verify("v022-android.tar", "runtime-split/libtvm_runtime.so");
        var fix = Remedy.Render(Assert.Single(beside.RuntimeSet!.Problems).RawFix, Ava.Cli.CommandLine.CliInputs.For(null));
        Assert.Contains($"There is a libtvm_ffi.so beside {Fixtures.Tvm("runtime-split/libtvm_runtime.so")}: pass the folder holding both ({Fixtures.Tvm("runtime-split")}/) as the runtime (alc verify --runtime PATH)", fix);
    }

    [Fact]
    public void Libtvm_ffi_alone_is_rejected_saying_the_TVMBackend_functions_live_in_libtvm_runtime()
    {
        var r = Verify("v022-android.tar", "runtime-split/libtvm_ffi.so");
        Assert.False(r.Ok);
        Assert.Contains("exports no TVMBackend* symbols: they live in libtvm_runtime.so — pass it too.", Assert.Single(r.RuntimeSet!.Problems).Message);
    }

    [Fact]
    public void An_old_API_runtime_is_named_for_what_it_is_a_v020_runtime()
    {
        var r = Verify("v022-android.tar", "libtvm_runtime-v0.20.so");
        Assert.False(r.Ok);
        // One problem: it lacks TVMFFI* because it is old, not because libtvm_ffi.so was left out.
        var p = Assert.Single(r.RuntimeSet!.Problems);
        Assert.Equal("runtime-generation", p.Code);
        Assert.Contains($"The runtime {Fixtures.Tvm("libtvm_runtime-v0.20.so")} exports the old C API (TVMFuncCall, TVMAPISetLastError) and the pre-v0.22 system-lib registration (TVMBackendRegisterSystemLibSymbol)", p.Message);
        Assert.Contains("it is a ≤ v0.20 runtime, not Apache TVM v0.22.0", p.Message);
        Assert.Equal("≤ v0.20", r.RuntimeSet.Files.Single().Generation);
        Assert.Contains("the old C API (TVMFuncCall, TVMAPISetLastError)", r.RuntimeSet.Files.Single().GenerationEvidence);
        var call = Assert.Single(r.Libraries[0].Problems, q => q.Symbol == "TVMFFIFunctionCall");
        Assert.Contains("libtvm_runtime-v0.20.so is a ≤ v0.20 runtime", call.Message);
        Assert.DoesNotContain("libtvm_ffi.so", call.Message);
    }

    [Fact]
    public void Library_messages_name_the_runtime_actually_given_never_only_the_profile()
    {
        // An old library against the old runtime it was built for: the runtime does export TVMFuncCall; AVA's does not.
        var old = Verify("v020-android.tar", "libtvm_runtime-v0.20.so");
        var call = Assert.Single(old.Libraries[0].Problems, p => p.Code == "old-api" && p.Symbol == "TVMFuncCall");
        Assert.Contains($"{Fixtures.Tvm("libtvm_runtime-v0.20.so")} exports TVMFuncCall, but it is a ≤ v0.20 runtime: AVA's runtime (Apache TVM v0.22.0", call.Message);

        var newer = Verify("v026-android.tar", "runtime-split");
        Assert.Contains(newer.Libraries[0].Problems, p => p.Code == "newer-api" && p.Message.Contains("than the runtime " + Fixtures.Tvm("runtime-split") + "/libtvm_ffi.so + "));
    }

    [Fact]
    public void A_packed_single_file_runtime_still_works()
    {
        var r = Verify("v022-android.tar", "libtvm4j_runtime_packed.so");
        Assert.True(r.Ok, string.Join("\n", r.AllProblems.Select(p => p.Message)));
        var file = Assert.Single(r.RuntimeSet!.Files);
        Assert.Equal("packed", file.Role);
        Assert.Equal((42, 9), (file.TvmExports["TVMFFI*"], file.TvmExports["TVMBackend*"]));
        Assert.Equal("≥ v0.22", file.Generation);
    }

    [Theory]
    [InlineData("runtime-split/libtvm_ffi.so")]
    [InlineData("libtvm4j_runtime_packed.so")]
    [InlineData("runtime-split")]
    public async Task A_runtime_passed_as_the_library_to_verify_is_bad_input_saying_to_pass_it_with_runtime(string path)
    {
        var r = await Alc("verify", path);
        Assert.Equal(2, r.ExitCode);
        var text = Flat(r.StdErr);
        Assert.Contains("is a TVM runtime, not a model library", text);
        Assert.Contains("as AVA's runtime (--runtime PATH)", text);
        Assert.DoesNotContain("   at ", r.StdErr); // no stack trace
    }

    [Fact]
    public async Task A_model_library_passed_as_the_runtime_is_bad_input_naming_it_a_model_library()
    {
        var r = await Alc("verify", "v022-android.tar", "--runtime", "v022-dso-android.so");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("v022-dso-android.so (--runtime PATH) is a TVM model library, not a runtime", Flat(r.StdErr));
    }

    [Fact]
    public async Task A_folder_without_a_TVM_runtime_library_is_bad_input()
    {
        var r = await Alc("verify", "v022-android.tar", "--runtime", "sysroot");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sysroot (--runtime PATH) holds no TVM runtime library: none of its 4 shared libraries exports a TVM function", Flat(r.StdErr));
    }

    [Fact]
    public async Task Verify_with_a_runtime_folder_reports_each_file_with_what_it_exports_on_the_console_in_json_and_markdown()
    {
        using var dir = new TempDir("report");
        var ok = await Alc("verify", "v022-android.tar", "--runtime", "runtime-split/", "--report", dir.Path);
        Assert.Equal(0, ok.ExitCode);
        var console = Flat(ok.StdErr);
        Assert.Contains("runtime-split/libtvm_ffi.so: 42 TVMFFI*, 0 TVMBackend*; generation ≥ v0.22", console);
        Assert.Contains("runtime-split/libtvm_runtime.so: 0 TVMFFI*, 9 TVMBackend*; needs libtvm_ffi.so", console);
        Assert.Contains("not part of the runtime: runtime-split/libapp_native.so", console);
        var md = File.ReadAllText(Path.Combine(dir.Path, VerificationReport.MarkdownFileName));
        Assert.Contains("## Runtime", md);
        Assert.Contains("| `runtime-split/libtvm_runtime.so` | tvm-runtime | 0 | 9 | `libtvm_ffi.so` |", md);

        var json = await Alc("verify", "v022-android.tar", "--runtime", "runtime-no-ffi", "--json");
        Assert.Equal(1, json.ExitCode);
        var set = json.Json().RootElement.GetProperty("runtimeSet");
        var file = Assert.Single(set.GetProperty("files").EnumerateArray());
        Assert.Equal("runtime-no-ffi/libtvm_runtime.so", file.GetProperty("path").GetString());
        Assert.Equal("libtvm_ffi.so", Assert.Single(file.GetProperty("neededMissing").EnumerateArray()).GetString());
        Assert.Equal("runtime-incomplete", Assert.Single(set.GetProperty("problems").EnumerateArray()).GetProperty("code").GetString());
        // Both reports match the schema; a runtime file without its required fields does not.
        var schema = Schemas.VerificationReport;
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List };
        Assert.True(schema.Evaluate(json.Json().RootElement, options).IsValid);
        Assert.True(schema.Evaluate(System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, VerificationReport.JsonFileName))).RootElement, options).IsValid);
        var broken = System.Text.Json.Nodes.JsonNode.Parse(json.StdOut)!;
        broken["runtimeSet"]!["files"]![0]!.AsObject().Remove("tvmExports");
        Assert.False(schema.Evaluate(System.Text.Json.JsonDocument.Parse(broken.ToJsonString()).RootElement, options).IsValid);

        var human = await Alc("verify", "v022-android.tar", "--runtime", "runtime-no-ffi");
        Assert.Contains("exports no TVMFFI* symbols: they live in libtvm_ffi.so — pass it too", Flat(human.StdErr));
    }

    [Fact]
    public async Task The_link_proof_passes_every_member_of_the_runtime_folder_to_ld_lld()
    {
        var inputs = new[] { VerifyInput.Of(Fixtures.Tvm("v022-android.tar")) };
        async Task<VerificationResult> Link(params string[] runtime)
        {
            var runtimes = runtime.Select(r => VerifyInput.Of(Fixtures.Tvm(r))).ToList();
            return await LinkProof.RunAsync(Verifier.Verify(inputs, runtimes, new VerifyOptions()), inputs, runtimes, Setup, new VerifyOptions());
        }

        var folder = await Link("runtime-split");
        Assert.True(folder.Link!.Linked, string.Join("\n", folder.AllProblems.Select(p => p.Message)));
        Assert.True(folder.Ok);
        Assert.True((await Link("libtvm4j_runtime_packed.so")).Link!.Linked);

        // libtvm_runtime.so alone: ld.lld does not look through its DT_NEEDED, so the TVMFFI* references stay undefined.
        var alone = await Link("runtime-no-ffi/libtvm_runtime.so");
        Assert.False(alone.Link!.Linked);
        var call = Assert.Single(alone.AllProblems, p => p.Proof == LinkProof.ProofName && p.Symbol == "TVMFFIFunctionCall");
        Assert.Contains("they live in libtvm_ffi.so, which is not in the runtime set", call.Message);
    }
}
