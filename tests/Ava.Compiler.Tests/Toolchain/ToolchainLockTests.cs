using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Toolchain;

public class ToolchainLockTests
{
    [Fact]
    public void The_embedded_lock_is_the_repository_lock()
    {
        using var repoLock = File.OpenRead(RepoPaths.Combine("toolchain.lock.json"));
        var fromRepo = ToolchainLock.Parse(repoLock, "repo");
        var embedded = ToolchainLock.Default;

        Assert.Equal(fromRepo.Tvm.Commit, embedded.Tvm.Commit);
        Assert.Equal(fromRepo.TvmFfi.Version, embedded.TvmFfi.Version);
        Assert.Equal(fromRepo.MlcLlm.Commit, embedded.MlcLlm.Commit);
        Assert.Equal(fromRepo.AndroidNdk.Version, embedded.AndroidNdk.Version);
    }

    [Fact]
    public void The_lock_pins_tvm_v0_22_0_with_tvm_ffi_0_1_0_and_an_mlc_llm_of_the_same_ffi_generation()
    {
        var l = ToolchainLock.Default;
        Assert.Equal("tvm-v0.22.0", l.AbiProfile);
        Assert.Equal("0.22.0", l.Tvm.Version);
        Assert.Equal("9dbf3f22ff6f44962472f9af310fda368ca85ef2", l.Tvm.Commit);
        Assert.Equal("apache-tvm-ffi", l.TvmFfi.Package);
        Assert.Equal("0.1.0", l.TvmFfi.Version);
        Assert.Equal("9a6ec6eea8237458b27bca97b184ef069fe1e687", l.TvmFfi.Commit);
        Assert.Equal("3rdparty/tvm-ffi", l.TvmFfi.SourceSubdirectory);
        Assert.Equal("7b15b196d272285e775eb65e5bf8f84db6a1462b", l.MlcLlm.Commit);
        Assert.Contains("862a73116ef58241e85dd1f09e30c8e8f8f8f6af", l.MlcLlm.CompatibleCommits);
        Assert.Equal(15, l.Llvm.Major);
        Assert.Equal("27.0.12077973", l.AndroidNdk.Version);
        Assert.Equal(27, l.AndroidNdk.Major);
        Assert.Equal("aarch64-linux-android24-clang", l.AndroidNdk.ClangDriverName);
        Assert.Equal(new Version(3, 9), l.Python.MinimumVersion);
    }

    [Fact]
    public void The_python_package_list_never_pulls_its_own_tvm_ffi()
    {
        var l = ToolchainLock.Default;
        Assert.DoesNotContain(l.Python.Packages, p => p.Requirement.StartsWith("apache-tvm-ffi", StringComparison.Ordinal));
        Assert.DoesNotContain(l.Python.Packages, p => p.Requirement.StartsWith("flashinfer", StringComparison.Ordinal));
        Assert.Contains("flashinfer-python", l.Python.Excluded.Keys);
        Assert.Contains("apache-tvm-ffi", l.Python.Excluded.Keys);
    }

    [Fact]
    public void Every_python_package_names_the_upstream_lines_that_import_it_at_the_pins()
    {
        var l = ToolchainLock.Default;
        Assert.NotEmpty(l.Python.Packages);
        foreach (var p in l.Python.Packages)
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Reason), p.Module);
            Assert.NotEmpty(p.NeededBy);
            Assert.All(p.NeededBy, n => Assert.Matches(@"^(mlc-ai/mlc-llm@7b15b196|apache/tvm@9dbf3f22|apache/tvm-ffi@9a6ec6ee):[\w./-]+:\d+(-\d+)?$", n));
            Assert.Contains(p.InstalledBy, new[] { "tvm", "mlc-llm" });
        }
    }

    [Fact]
    public void Convert_weight_needs_cpu_torch_safetensors_and_ml_dtypes()
    {
        var l = ToolchainLock.Default;
        var torch = l.Python.ForModule("torch")!;
        Assert.Matches(@"^torch==\d+\.\d+\.\d+$", torch.Requirement);
        Assert.Equal("convert_weight", torch.Phase);
        Assert.Equal("https://download.pytorch.org/whl/cpu", torch.IndexFor(HostOs.Linux));
        Assert.Contains(torch.NeededBy, n => n == "mlc-ai/mlc-llm@7b15b196:python/mlc_llm/loader/utils.py:58");
        Assert.Contains(l.Python.ForModule("safetensors")!.NeededBy, n => n.EndsWith("loader/utils.py:57", StringComparison.Ordinal));
        Assert.Contains(l.Python.ForModule("ml_dtypes")!.NeededBy, n => n.EndsWith("loader/utils.py:66", StringComparison.Ordinal));
        Assert.DoesNotContain("torch", l.Python.Excluded.Keys);
    }

    [Theory]
    [InlineData("7b15b196", true)]
    [InlineData("7B15B196D272285E775EB65E5BF8F84DB6A1462B", true)]
    [InlineData("862a7311", true)]
    [InlineData("79d603f0", false)]
    [InlineData("7b15b1", false)]
    public void An_mlc_commit_is_accepted_by_full_or_abbreviated_hash(string commit, bool accepted) =>
        Assert.Equal(accepted, ToolchainLock.Default.MlcLlm.Accepts(commit));

    [Fact]
    public void A_damaged_lock_is_bad_input_naming_the_file()
    {
        using var dir = new TempDir("lock");
        var path = dir.Write("toolchain.lock.json", "{ \"schemaVersion\": 1, \"abiProfile\": ");
        var e = Assert.Throws<BadInputException>(() => ToolchainLock.Load(path));
        Assert.Contains(path, e.Problem);
    }

    [Fact]
    public void The_locks_abi_profile_is_one_the_verify_core_knows_and_names_the_same_runtime()
    {
        var profile = new Ava.Compiler.Abi.AbiCatalog().LoadProfile(ToolchainLock.Default.AbiProfile);
        Assert.Contains(ToolchainLock.Default.Tvm.Commit[..8], profile.Runtime);
        Assert.Contains(ToolchainLock.Default.TvmFfi.Version, profile.Runtime);
        Assert.Contains("TVMFFIFunctionCall", profile.RuntimeExports);
    }
}
