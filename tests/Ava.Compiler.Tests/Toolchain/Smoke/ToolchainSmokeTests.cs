using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain.Smoke;

namespace Ava.Compiler.Tests.Toolchain.Smoke;

/// <summary>
/// The smoke test runs the real pipeline stages on a tiny Gemma 3 model against the stand-in toolchain: it passes on a
/// correct one, and each known-bad toolchain makes it fail naming the fault and its fix.
/// </summary>
public class ToolchainSmokeTests
{
    [Fact]
    public async Task A_correct_stand_in_toolchain_passes_with_a_verified_v0_22_library_in_well_under_two_minutes()
    {
        using var rig = new SmokeRig();
        var r = await rig.RunAsync();

        Assert.True(r.Passed, $"{r.Step}: {r.Fault} | {r.ErrorLine} | {r.Fix}");
        Assert.Equal(ExitCode.Ok, r.ExitCode);
        Assert.Equal(["convert_weight", "gen_config", "compile", "verify"], r.Steps.Select(s => s.Name));
        Assert.Equal("gemma3_text_q4f16_1", r.ModelLib);
        Assert.Contains("v0.22", r.Generation);
        Assert.StartsWith("skipped:", r.LinkProof); // the fabricated NDK has no ld.lld and no AVA runtime is configured
        Assert.Contains("minimal", r.Tokenizer);
        Assert.InRange(r.Seconds, 0, 120);
        // The real subcommands ran, each once, on the generated model.
        var calls = rig.CallLines();
        Assert.Equal(["convert_weight", "gen_config", "compile"], calls.Select(c => c.Split(' ')[0]));
        Assert.All(calls, c => Assert.Contains("alc-smoke-", c));
        // Cached under the toolchain key, and the private work folder is gone.
        var cached = ToolchainSmoke.Cached(rig.Toolchain.Locations, rig.Options());
        Assert.NotNull(cached);
        Assert.Equal(r, cached with { Steps = r.Steps });
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "alc-smoke-*"), d => calls.Any(c => c.Contains(Path.GetFileName(d))));
    }

    [Fact]
    public async Task A_toolchain_without_torch_fails_at_convert_weight_with_the_lock_s_pip_command()
    {
        using var rig = new SmokeRig();
        rig.Toolchain.SetPythonPackages("torch");
        var r = await rig.RunAsync();

        Assert.Equal(SmokeStatus.ToolchainBroken, r.Status);
        Assert.Equal(ExitCode.ToolchainMissing, r.ExitCode);
        Assert.Equal("convert_weight", r.Step);
        Assert.Equal("ModuleNotFoundError: No module named 'torch'", r.ErrorLine);
        Assert.Contains("'torch' is missing", r.Fault);
        Assert.Contains("pip install --index-url https://download.pytorch.org/whl/cpu 'torch==", r.Fix);
        Assert.True(File.Exists(r.LogPath), "the failing step's log is kept beside the cached result");
    }

    [Fact]
    public async Task A_tvm_ffi_other_than_0_1_0_fails_at_import_tvm_with_the_submodule_reinstall_as_fix()
    {
        using var rig = new SmokeRig();
        rig.Toolchain.SetTvmFfi("0.1.4");
        var r = await rig.RunAsync();

        Assert.Equal(SmokeStatus.ToolchainBroken, r.Status);
        Assert.Equal("convert_weight", r.Step); // `import mlc_llm` imports tvm before any subcommand
        Assert.Contains("libtvm.so: undefined symbol", r.ErrorLine);
        Assert.Contains("apache-tvm-ffi 0.1.0", r.Fault);
        Assert.Contains($"pip install --no-deps --force-reinstall {rig.Toolchain["tvm/3rdparty/tvm-ffi"]}", r.Fix);
    }

    [Fact]
    public async Task An_old_api_tvm_compiles_a_TVMFuncCall_library_that_verification_rejects_with_exit_1()
    {
        using var rig = new SmokeRig();
        var r = await rig.RunAsync(("MLC_STANDIN_OLD_API", "1"));

        Assert.Equal(SmokeStatus.LibraryRejected, r.Status);
        Assert.Equal(ExitCode.VerificationFailed, r.ExitCode);
        Assert.Equal("verify", r.Step);
        Assert.Contains("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", r.Fault);
        Assert.False(string.IsNullOrWhiteSpace(r.Fix));
        var e = Assert.Throws<VerificationFailedException>(r.ThrowIfFailed);
        Assert.Contains("smoke test failed at verify", e.Problem);
    }

    [Fact]
    public async Task A_tvm_whose_llvm_lacks_aarch64_fails_at_compile_with_llvm_s_error_and_the_rebuild_fix()
    {
        using var rig = new SmokeRig();
        var r = await rig.RunAsync(("MLC_STANDIN_LLVM", "no-aarch64"));

        Assert.Equal(SmokeStatus.ToolchainBroken, r.Status);
        Assert.Equal("compile", r.Step);
        Assert.Contains("No available targets are compatible with triple \"aarch64-linux-android\"", r.ErrorLine);
        Assert.Contains("cannot generate code for aarch64-linux-android", r.Fault);
        Assert.Contains("llvm-config --targets-built", r.Fix);
        Assert.Contains("AArch64", r.Fix);
        var e = Assert.Throws<ToolchainMissingException>(r.ThrowIfFailed);
        Assert.Contains("smoke test failed at compile", e.Problem);
    }

    [Fact]
    public async Task An_mlc_checkout_at_another_commit_fails_at_compile_with_the_checkout_of_the_pin_as_fix()
    {
        using var rig = new SmokeRig();
        rig.Toolchain.SetMlcCommit("79d603f0c8b3a1e4d1f2a3b4c5d6e7f8091a2b3c");
        var r = await rig.RunAsync();

        Assert.Equal(SmokeStatus.ToolchainBroken, r.Status);
        Assert.Equal("compile", r.Step);
        Assert.StartsWith("ImportError: cannot import name 'ndk' from 'tvm.support'", r.ErrorLine);
        Assert.Contains("79d603f0c8b3", r.Fault);
        Assert.Contains($"checkout {FakeToolchain.Lock.MlcLlm.Commit}", r.Fix);
    }

    [Fact]
    public async Task A_result_is_cached_per_toolchain_key_and_a_changed_toolchain_has_none()
    {
        using var rig = new SmokeRig();
        var r = await rig.RunAsync();
        Assert.True(r.Passed, r.Fault);
        Assert.NotNull(ToolchainSmoke.Cached(rig.Toolchain.Locations, rig.Options()));

        rig.Toolchain.UseTvmLibraries("v0.20"); // libtvm rebuilt from another TVM
        Assert.Null(ToolchainSmoke.Cached(rig.Toolchain.Locations, rig.Options()));
        rig.Toolchain.UseTvmLibraries("v0.22");
        File.SetLastWriteTimeUtc(rig.Toolchain["tvm/build/libtvm.so"], DateTime.UtcNow.AddMinutes(1));
        Assert.Null(ToolchainSmoke.Cached(rig.Toolchain.Locations, rig.Options()));
    }
}
