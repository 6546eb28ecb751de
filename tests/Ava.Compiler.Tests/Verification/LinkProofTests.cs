using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.Linking;

namespace Ava.Compiler.Tests.Verification;

/// <summary>The link proof with Debian's real ld.lld-14 and the fixture sysroot (clang-built libc/libm/libdl/liblog stubs).</summary>
public class LinkProofTests
{
    private const string Lld = "/usr/bin/ld.lld-14";

    private static readonly LinkerSetup Setup = new() { Linker = Lld, SystemLibs = Fixtures.Tvm("sysroot"), Source = "test" };

    private static async Task<VerificationResult> Link(string runtime, bool bundle, params string[] libraries)
    {
        var inputs = libraries.Select(l => VerifyInput.Of(Fixtures.Tvm(l))).ToList();
        var runtimes = new[] { VerifyInput.Of(Fixtures.Tvm(runtime)) };
        var options = new VerifyOptions().WithBundle(bundle);
        return await LinkProof.RunAsync(Verifier.Verify(inputs, runtimes, options), inputs, runtimes, Setup, options);
    }

    private static Task<AlcResult> Alc(params string[] args) => AlcRun.RunAsync(Fixtures.Tvm(""), null, args);

    private static List<Problem> LinkerProblems(VerificationResult r) => r.AllProblems.Where(p => p.Proof == LinkProof.ProofName).ToList();

    [Fact]
    public async Task A_v022_library_links_against_the_v022_runtime_and_the_sysroot()
    {
        var r = await Link("libtvm_runtime.so", false, "v022-android.tar");
        Assert.True(r.Ok);
        Assert.True(r.Link!.Performed);
        Assert.True(r.Link.Linked);
        Assert.Empty(LinkerProblems(r));
    }

    [Theory]
    [InlineData("android-opencl")]
    [InlineData("android-cpu")]
    public async Task Real_v022_output_links_as_a_loose_pair_and_as_a_folder_whose_duplicates_are_linked_once(string build)
    {
        var prefix = build == "android-opencl" ? "tiny_q4f16_1_" : "tinycpu_q4f16_1_";
        var runtimes = new[] { VerifyInput.Of(Fixtures.Tvm("libtvm_runtime.so")) };
        var options = new VerifyOptions();
        foreach (var paths in new[] { new[] { RealTvmFixtures.File($"{build}/lib0.o"), RealTvmFixtures.File($"{build}/{prefix}devc.o") }, [RealTvmFixtures.Directory(build)] })
        {
            var inputs = paths.Select(VerifyInput.Of).ToList();
            var r = await LinkProof.RunAsync(Verifier.Verify(inputs, runtimes, options), inputs, runtimes, Setup, options);
            Assert.True(r.Ok, string.Join("\n", r.AllProblems.Select(p => p.Message)));
            Assert.True(r.Link!.Linked);
            Assert.Single(r.Libraries);
        }
    }

    [Fact]
    public async Task Loose_objects_of_two_models_are_linked_as_two_libraries()
    {
        var inputs = new[] { RealTvmFixtures.File("android-opencl/lib0.o"), RealTvmFixtures.File("android-cpu/tinycpu_q4f16_1_devc.o") }.Select(VerifyInput.Of).ToList();
        var runtimes = new[] { VerifyInput.Of(Fixtures.Tvm("libtvm_runtime.so")) };
        var r = await LinkProof.RunAsync(Verifier.Verify(inputs, runtimes, new VerifyOptions()), inputs, runtimes, Setup, new VerifyOptions());
        Assert.Equal(2, r.Libraries.Count);
        // Each half links on its own (the name checks reject each as incomplete); nothing is placed on the wrong library.
        Assert.True(r.Link!.Linked);
        Assert.All(r.Libraries, l => Assert.Contains(l.Problems, p => p.Code == "missing-marker"));
    }

    [Fact]
    public async Task A_v022_static_archive_and_an_ALM_package_link_too()
    {
        var r = await Link("libtvm_runtime.so", false, "libmodel_android-gnu.a", "v022-android-package.ALM", "v022-android-appledouble.ALM");
        Assert.True(r.Link!.Linked, string.Join("\n", LinkerProblems(r).Select(p => p.Message)));
    }

    [Fact]
    public async Task A_v024_FromCStrParts_object_fails_to_link_against_a_runtime_without_it()
    {
        var r = await Link("libtvm_runtime-no-cstrparts.so", false, "v024-android.tar");
        Assert.False(r.Ok);
        Assert.False(r.Link!.Linked);
        var p = Assert.Single(LinkerProblems(r));
        Assert.Equal("unresolved-symbol", p.Code);
        Assert.Equal("TVMFFIErrorSetRaisedFromCStrParts", p.Symbol);
        Assert.Contains(Fixtures.Tvm("v024-android.tar") + "!lib0.o", p.Where);
        Assert.Contains("emitted by TVM v0.24 or newer", p.Message);
        Assert.Contains("alc doctor", p.Fix);
        Assert.DoesNotContain("alc-link-", p.Message); // the temp folder never shows
    }

    [Fact]
    public async Task The_v022_runtime_exports_FromCStrParts_so_a_v024_object_links_against_it()
    {
        // tvm-ffi 0.1.0 already exports it (mlc-tvm.md §10): the linker agrees; only the name checks reject v0.24.
        var r = await Link("libtvm_runtime.so", false, "v024-android.tar");
        Assert.True(r.Link!.Linked);
        Assert.Contains(r.AllProblems, p => p.Code == "newer-api");
    }

    [Fact]
    public async Task An_old_API_TVMFuncCall_object_fails_against_the_v022_runtime_naming_object_member_and_generation()
    {
        var r = await Link("libtvm_runtime.so", false, "v020-android.tar");
        Assert.False(r.Ok);
        var problems = LinkerProblems(r);
        var call = Assert.Single(problems, p => p.Symbol == "TVMFuncCall");
        Assert.Equal("unresolved-symbol", call.Code);
        Assert.Equal([Fixtures.Tvm("v020-android.tar") + "!lib0.o"], call.Where);
        Assert.Contains("TVM <= v0.20 (old C API)", call.Message);
        var register = Assert.Single(problems, p => p.Symbol == "TVMBackendRegisterSystemLibSymbol");
        Assert.Contains(Fixtures.Tvm("v020-android.tar") + "!gemma_q4f16_1_devc.o", register.Where);
    }

    [Fact]
    public async Task A_bundle_of_two_libraries_with_the_same_prefix_fails_with_duplicate_symbols_across_both()
    {
        var r = await Link("libtvm_runtime.so", true, "v022-android.tar", "v022-android-same-prefix.tar");
        Assert.False(r.Ok);
        var dups = r.Problems.Where(p => p.Proof == LinkProof.ProofName && p.Code == "duplicate-symbol").ToList();
        Assert.Contains(dups, p => p.Symbol == "gemma2_q4f16_1___tvm_ffi__library_bin"
            && p.Where.SequenceEqual([Fixtures.Tvm("v022-android.tar") + "!gemma2_q4f16_1_devc.o", Fixtures.Tvm("v022-android-same-prefix.tar") + "!gemma2_q4f16_1_devc.o"]));
    }

    [Fact]
    public async Task Two_different_libraries_link_as_a_bundle()
    {
        var r = await Link("libtvm_runtime.so", true, "v022-android.tar", "v022-android-workspace.tar");
        Assert.True(r.Link!.Linked, string.Join("\n", LinkerProblems(r).Select(p => p.Message)));
    }

    [Fact]
    public async Task Objects_of_another_architecture_are_one_link_failed_problem_not_raw_output()
    {
        var r = await Link("libtvm_runtime.so", false, "v022-linux-x64.tar");
        var problems = LinkerProblems(r);
        Assert.Equal(2, problems.Count); // one per object: lib0.o and the devc object
        Assert.All(problems, p =>
        {
            Assert.Equal("link-failed", p.Code);
            Assert.DoesNotContain('\n', p.Message);
            Assert.Contains("v022-linux-x64.tar!", p.Message);
            Assert.Contains("is incompatible with aarch64linux", p.Message);
        });
    }

    [Fact]
    public async Task A_missing_linker_path_is_bad_input()
    {
        var inputs = new[] { VerifyInput.Of(Fixtures.Tvm("v022-android.tar")) };
        var runtimes = new[] { VerifyInput.Of(Fixtures.Tvm("libtvm_runtime.so")) };
        var names = Verifier.Verify(inputs, runtimes, new VerifyOptions());
        await Assert.ThrowsAsync<BadInputException>(() => LinkProof.RunAsync(names, inputs, runtimes, Setup.WithLinker("/nonexistent/ld.lld"), new VerifyOptions()));
    }

    [Fact]
    public void An_NDK_folder_gives_its_own_ld_lld_and_the_API_26_sysroot()
    {
        using var dir = new TempDir();
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "toolchains", "llvm", "prebuilt", "linux-x86_64", "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "ld.lld"), "");
        var sys = Directory.CreateDirectory(Path.Combine(dir.Path, "toolchains", "llvm", "prebuilt", "linux-x86_64", "sysroot", "usr", "lib", "aarch64-linux-android", "24")).FullName;
        var setup = LinkerSetup.FromNdk(dir.Path, "--ndk");
        Assert.Equal(Path.Combine(bin, "ld.lld"), setup.Linker);
        Assert.Equal(sys, setup.SystemLibs);
        Assert.Throws<BadInputException>(() => LinkerSetup.FromNdk(Path.Combine(dir.Path, "toolchains"), "--ndk"));
    }

    [Fact]
    public async Task Alc_verify_link_rejects_the_old_library_and_accepts_the_new_one()
    {
        var ok = await Alc("verify", "v022-android.tar", "--link", "--linker", Lld, "--system-libs", "sysroot", "--runtime", "libtvm_runtime.so", "--json");
        Assert.Equal(0, ok.ExitCode);
        using (var doc = ok.Json())
            Assert.True(doc.RootElement.GetProperty("link").GetProperty("linked").GetBoolean());
        var bad = await Alc("verify", "v020-android.tar", "--linker", Lld, "--system-libs", "sysroot", "--runtime", "libtvm_runtime.so");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("ld.lld: undefined symbol TVMFuncCall", string.Join(" ", bad.StdErr.Split('\n').Select(l => l.Trim())));
    }

    [Fact]
    public async Task Without_an_NDK_or_linker_the_proof_is_skipped_with_a_note_and_the_exit_code_is_unchanged()
    {
        var r = await Alc("verify", "v022-android.tar", "--link", "--runtime", "libtvm_runtime.so", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = r.Json();
        var link = doc.RootElement.GetProperty("link");
        Assert.False(link.GetProperty("performed").GetBoolean());
        Assert.Contains("No Android NDK or linker", link.GetProperty("note").GetString());
    }
}
