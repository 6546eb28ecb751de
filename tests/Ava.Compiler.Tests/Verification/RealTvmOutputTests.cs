using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// The verifier against real Apache TVM v0.22.0 output (tests/fixtures/tvm-v0.22.0-real, README for provenance): an
/// OpenCL build (MLC's android:generic preset) and a CPU-only build of a tiny q4f16_1-style model, each as the gzip tar
/// export_library writes, as a folder holding the tar and its two objects, and as the two objects given separately.
/// </summary>
public class RealTvmOutputTests
{
    private const string OpenClPrefix = "tiny_q4f16_1_";
    private const string CpuPrefix = "tinycpu_q4f16_1_";

    public static TheoryData<string, string> Forms() => new()
    {
        { "android-opencl", "tar" }, { "android-opencl", "folder" }, { "android-opencl", "loose pair" },
        { "android-cpu", "tar" }, { "android-cpu", "folder" }, { "android-cpu", "loose pair" },
    };

    private static (string Prefix, string[] Paths) Form(string build, string form)
    {
        var prefix = build == "android-opencl" ? OpenClPrefix : CpuPrefix;
        var model = prefix.TrimEnd('_');
        return (prefix, form switch
        {
            "tar" => [RealTvmFixtures.File($"{build}/{model}-android.tar")],
            "folder" => [RealTvmFixtures.Directory(build)],
            _ => [RealTvmFixtures.File($"{build}/lib0.o"), RealTvmFixtures.File($"{build}/{prefix}devc.o")],
        });
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Real_v022_output_is_accepted_as_one_v022_library_in_every_form(string build, string form)
    {
        var (prefix, paths) = Form(build, form);
        var r = Verifier.Verify(paths, new VerifyOptions());

        Assert.True(r.Ok, string.Join("\n", r.AllProblems.Select(p => p.Message)));
        var lib = Assert.Single(r.Libraries);
        Assert.Empty(lib.Problems);
        // TVMBackendGetFuncFromEnv (gone in v0.26) comes only with kernel launches, so CPU-only output bounds the range below only.
        Assert.Equal(build == "android-opencl" ? "TVM v0.22 to v0.25" : "TVM v0.22 or newer", lib.Generation);
        Assert.Equal((prefix, prefix.TrimEnd('_')), (lib.Prefix, lib.ModelLib));
        // Each object once, whatever the form: a folder holding the tar and its loose objects counts each one once.
        Assert.Equal([ObjectRole.Host, ObjectRole.Device], lib.Objects.Select(o => o.Role));
        Assert.Equal(build == "android-opencl" ? 20 : 29, lib.Objects[0].PackedFunctionCount);
    }

    [Fact]
    public void The_real_OpenCL_host_module_references_exactly_the_six_runtime_functions_the_issue_lists()
    {
        var lib = Assert.Single(Verifier.Verify([RealTvmFixtures.File("android-opencl/tiny_q4f16_1-android.tar")], new VerifyOptions()).Libraries);
        Assert.Equal(["TVMBackendAllocWorkspace", "TVMBackendFreeWorkspace", "TVMBackendGetFuncFromEnv", "TVMFFIEnvModRegisterSystemLibSymbol",
            "TVMFFIErrorSetRaisedFromCStr", "TVMFFIFunctionCall"], lib.Objects[0].TvmReferenced);
        Assert.Equal(["TVMFFIEnvModRegisterSystemLibSymbol"], lib.Objects[1].TvmReferenced);
        Assert.Contains("tiny_q4f16_1___tvm_ffi__library_ctx", lib.Objects[0].TvmDefined);
        Assert.Contains("tiny_q4f16_1___tvm_ffi__library_bin", lib.Objects[1].TvmDefined);
    }

    [Fact]
    public void The_real_CPU_only_host_module_launches_no_kernel_and_so_references_neither_FunctionCall_nor_GetFuncFromEnv()
    {
        var lib = Assert.Single(Verifier.Verify([RealTvmFixtures.File("android-cpu/tinycpu_q4f16_1-android.tar")], new VerifyOptions()).Libraries);
        Assert.Equal(Verdict.Accepted, lib.Verdict);
        Assert.Equal(["TVMBackendAllocWorkspace", "TVMBackendFreeWorkspace", "TVMFFIEnvModRegisterSystemLibSymbol", "TVMFFIErrorSetRaisedFromCStr"],
            lib.Objects[0].TvmReferenced);
        Assert.Contains("expf", lib.Unchecked);
        Assert.DoesNotContain(lib.Problems, p => p.Message.Contains("always", StringComparison.Ordinal));
    }

    [Fact]
    public void Loose_objects_given_as_two_arguments_are_paired_by_their_prefix_and_the_output_says_so()
    {
        var lib0 = RealTvmFixtures.File("android-cpu/lib0.o");
        var devc = RealTvmFixtures.File("android-cpu/tinycpu_q4f16_1_devc.o");
        var lib = Assert.Single(Verifier.Verify([lib0, devc], new VerifyOptions()).Libraries);
        Assert.Equal($"{lib0} + {devc}", lib.Path);
        Assert.Equal([lib0, devc], lib.Inputs);
        Assert.Contains(lib.Notes, n => n.Contains("were given as separate arguments and share the system-lib prefix 'tinycpu_q4f16_1_'", StringComparison.Ordinal)
                                        && n.Contains("checked as one library", StringComparison.Ordinal));
    }

    [Fact]
    public void Loose_objects_of_two_different_models_stay_two_libraries_and_each_lacks_its_other_half()
    {
        var r = Verifier.Verify([RealTvmFixtures.File("android-cpu/lib0.o"), RealTvmFixtures.File("android-opencl/tiny_q4f16_1_devc.o")], new VerifyOptions());
        Assert.False(r.Ok);
        Assert.Equal(2, r.Libraries.Count);
        Assert.All(r.Libraries, l => Assert.Null(l.Inputs));
        Assert.Contains(r.Libraries[0].Problems, p => p.Code == "missing-marker" && p.Message.Contains("no <prefix>devc.o", StringComparison.Ordinal));
        Assert.Contains(r.Libraries[1].Problems, p => p.Code == "missing-marker" && p.Message.Contains("no host module", StringComparison.Ordinal));
    }

    [Fact]
    public void A_folder_holding_the_tar_and_its_loose_objects_counts_each_object_once_with_a_note()
    {
        var lib = Assert.Single(Verifier.Verify([RealTvmFixtures.Directory("android-opencl")], new VerifyOptions()).Libraries);
        Assert.Equal(2, lib.Objects.Count);
        Assert.Equal(2, lib.Notes.Count(n => n.Contains("is the same object as", StringComparison.Ordinal) && n.Contains("counted once", StringComparison.Ordinal)));
        Assert.Contains(lib.Notes, n => n.Contains("tiny_q4f16_1-android.tar!lib0.o is the same object as", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_object_given_twice_is_counted_once()
    {
        var lib0 = RealTvmFixtures.File("android-opencl/lib0.o");
        var lib = Assert.Single(Verifier.Verify([lib0, lib0, RealTvmFixtures.File("android-opencl/tiny_q4f16_1_devc.o")], new VerifyOptions()).Libraries);
        Assert.Equal(Verdict.Accepted, lib.Verdict);
        Assert.Equal(2, lib.Objects.Count);
        Assert.Contains(lib.Notes, n => n.Contains("is the same object as", StringComparison.Ordinal));
    }

    [Fact]
    public void The_real_fixtures_are_the_files_their_README_lists_by_sha256()
    {
        var table = RealTvmFixtures.Table(RealTvmFixtures.Folder);
        Assert.Equal(6, table.Count);
        foreach (var file in table.Keys) RealTvmFixtures.File(file);
    }

    [Fact]
    public void A_fixture_swapped_for_an_imitation_fails_the_sha256_check()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(RealTvmFixtures.Folder, "README.md"), dir["README.md"]);
        Directory.CreateDirectory(dir["android-cpu"]);
        // The imitation v0.22 lib0.o built from tests/fixtures/tvm/src stands in for the real one.
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), dir["android-cpu/lib0.o"]);
        var e = Assert.Throws<InvalidDataException>(() => RealTvmFixtures.CheckAgainstReadme(dir.Path, "android-cpu/lib0.o"));
        Assert.Contains("is not the real TVM output its README describes", e.Message);
        // A file the table does not name is not accepted either.
        Assert.Throws<InvalidDataException>(() => RealTvmFixtures.CheckAgainstReadme(dir.Path, "android-cpu/other.o"));
    }
}
