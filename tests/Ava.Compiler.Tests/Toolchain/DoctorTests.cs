using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Compiler.Tests.Toolchain;

public class DoctorTests
{
    private static Task<DoctorReport> Run(FakeToolchain tc, DoctorScope scope = DoctorScope.Full, ToolchainLocations? locations = null,
        DoctorOptions? options = null) =>
        Doctor.RunAsync(locations ?? tc.Locations, scope,
            (options ?? DoctorOptions.Default).WithHost(HostPlatform.Linux).WithWorkingDirectory(tc.Root), CancellationToken.None);

    private static DoctorCheckResult Failed(DoctorReport report, string id)
    {
        var r = report[id];
        Assert.NotNull(r);
        Assert.True(r!.Status == CheckStatus.Fail, $"{id} should fail but is {r.Status}: {r.Found}");
        Assert.False(report.Ok);
        return r;
    }

    [Fact]
    public async Task A_correct_installation_passes_every_check()
    {
        using var tc = new FakeToolchain();
        var packed = new LocatedPath(FakeToolchain.Fixture("libtvm4j_runtime_packed.so"), "--ava-runtime");
        var report = await Run(tc, locations: tc.Locations.WithAvaRuntime(packed));
        Assert.All(report.Checks.Where(c => c.Id != "disk"), c => Assert.True(c.Status == CheckStatus.Pass, $"{c.Id}: {c.Status} {c.Found} | {c.Fix}"));
        Assert.True(report.Ok);
        Assert.Contains("gemma3n: not in MLC-LLM", report["mlc-llm-models"]!.Found);
        Assert.Contains("TVM 0.22.0 built from 9dbf3f22", report["tvm"]!.Found);
    }

    [Fact]
    public async Task The_compile_subset_skips_the_mlc_import_and_still_checks_versions()
    {
        using var tc = new FakeToolchain();
        tc.CrashProbe("mlc_llm", "this probe must not run in the compile subset");
        tc.SetTvmFfi("0.1.15");
        var report = await Run(tc, DoctorScope.Compile);
        Assert.Null(report["mlc-llm-models"]);
        Failed(report, "tvm-ffi");
    }

    [Fact]
    public async Task A_newer_tvm_ffi_release_fails_with_the_submodule_install_as_fix()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.15.post2");
        var r = Failed(await Run(tc), "tvm-ffi");
        Assert.Contains("tvm_ffi 0.1.15.post2", r.Found);
        Assert.Contains("apache-tvm-ffi 0.1.0", r.Expected);
        Assert.Contains($"pip install --no-deps --force-reinstall {tc["tvm/3rdparty/tvm-ffi"]}", r.Fix);
    }

    [Fact]
    public async Task A_tvm_ffi_without_its_Cython_core_reports_the_python_error_and_the_Cython_fix()
    {
        using var tc = new FakeToolchain();
        tc.FailProbe("tvm_ffi", "ImportError: cannot import name 'core' from partially initialized module 'tvm_ffi' (most likely due to a circular import) (/venv/lib/python3.11/site-packages/tvm_ffi/__init__.py)");
        tc.FailProbe("tvm", "ImportError: cannot import name 'core' from partially initialized module 'tvm_ffi' (most likely due to a circular import)");
        var report = await Run(tc);
        var r = Failed(report, "tvm-ffi");
        Assert.Contains("import tvm_ffi failed: ImportError: cannot import name 'core' from partially initialized module 'tvm_ffi'", r.Found);
        Assert.Contains("Cython core", r.Fix);
        Assert.Contains("3rdparty/tvm-ffi", r.Fix);
        Assert.Equal(CheckStatus.Skipped, report["tvm"]!.Status);
        Assert.Equal(CheckStatus.Skipped, report["tvm-ffi-core"]!.Status);
    }

    [Fact]
    public async Task A_tvm_source_build_with_the_testing_library_in_build_lib_passes_as_tvm_ffi_finds_it_there()
    {
        using var tc = new FakeToolchain();
        tc.UseTvmFfiFromSourceBuild();
        // The layout of the real v0.22.0 build: libtvm.so exports no TVMFFI* symbol, libtvm_ffi.so exactly the profile's 42.
        var lock_ = FakeToolchain.Lock;
        Assert.DoesNotContain(Ava.Compiler.Binary.ArtifactReader.ReadObject(tc["tvm/build/libtvm.so"]).Exports, e => e.Name.StartsWith("TVMFFI", StringComparison.Ordinal));
        Assert.Equal(TvmLibrarySurface.FfiExports(lock_).Order(StringComparer.Ordinal),
            Ava.Compiler.Binary.ArtifactReader.ReadObject(tc["tvm/build/lib/libtvm_ffi.so"]).Exports.Select(e => e.Name).Where(n => n.StartsWith("TVMFFI", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(42, TvmLibrarySurface.FfiExports(lock_).Count);
        Assert.False(Directory.Exists(tc["tvm/3rdparty/tvm-ffi/python/tvm_ffi/lib"]));

        foreach (var scope in new[] { DoctorScope.Full, DoctorScope.Compile })
        {
            var report = await Run(tc, scope);
            var core = report["tvm-ffi-core"]!;
            Assert.True(core.Status == CheckStatus.Pass, $"{scope}: {core.Found} | {core.Fix}");
            Assert.Contains($"libtvm_ffi_testing.so at {tc["tvm/build/lib/libtvm_ffi_testing.so"]}", core.Found);
        }
        Assert.Equal(CheckStatus.Pass, (await Run(tc))["tvm-libraries"]!.Status);
    }

    [Fact]
    public async Task A_tvm_source_build_without_the_testing_library_fails_naming_the_folders_tvm_ffi_searched()
    {
        using var tc = new FakeToolchain();
        tc.UseTvmFfiFromSourceBuild(testingLibrary: null);
        var r = Failed(await Run(tc, DoctorScope.Compile), "tvm-ffi-core");
        Assert.Contains($"libtvm_ffi_testing.so is missing from tvm-ffi's library search path ({tc["tvm/build/lib"]})", r.Found);
        Assert.Contains("Cannot find library", r.Found);
    }

    [Fact]
    public async Task A_tvm_built_from_a_source_archive_shows_its_commit_as_unknown_not_a_truncated_NOT_FOUND()
    {
        using var tc = new FakeToolchain();
        tc.SetTvm("0.22.0", "NOT-FOUND");
        var r = (await Run(tc))["tvm"]!;
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("TVM 0.22.0, commit unknown (built from a source archive) at", r.Found);
        Assert.DoesNotContain("NOT-FOUN", r.Found);
        Assert.Contains("git checkout of v0.22.0", r.Fix);
    }

    [Fact]
    public async Task A_tvm_ffi_without_libtvm_ffi_testing_fails_the_core_check()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.0", testingLibrary: null);
        var r = Failed(await Run(tc), "tvm-ffi-core");
        Assert.Contains("libtvm_ffi_testing.so is missing", r.Found);
        Assert.Contains("TVMFFITestingDummyTarget", r.Expected);
        Assert.Contains("3rdparty/tvm-ffi", r.Fix);
    }

    [Fact]
    public async Task A_pip_nightly_tvm_of_an_older_generation_fails_naming_what_shadows_the_build()
    {
        using var tc = new FakeToolchain();
        tc.SetTvm("0.20.dev748", "5e85443e43f9befcf8319cdc4045597aa49bf724");
        var r = Failed(await Run(tc), "tvm");
        Assert.Contains("TVM 0.20.dev748", r.Found);
        Assert.Contains("--tvm-source", Ava.Compiler.Errors.Remedy.Render(r.Fix!, Ava.Cli.CommandLine.CliInputs.For(null)));
        Assert.Contains("pip uninstall -y tvm mlc-ai-nightly", r.Fix);
    }

    [Fact]
    public async Task A_tvm_built_from_another_commit_fails_with_the_checkout_command()
    {
        using var tc = new FakeToolchain();
        tc.SetTvm("0.22.0", "2edc9b3209fac2248e2f33dc17de533f8a2bc9c2");
        var r = Failed(await Run(tc), "tvm");
        Assert.Contains("built from 2edc9b32", r.Found);
        Assert.Contains("checkout 9dbf3f22ff6f44962472f9af310fda368ca85ef2", r.Fix);
    }

    [Fact]
    public async Task A_tvm_built_without_llvm_fails_the_llvm_check()
    {
        using var tc = new FakeToolchain();
        tc.SetTvm("0.22.0", FakeToolchain.Lock.Tvm.Commit, llvmVersion: "NOT-FOUND", useLlvm: "OFF");
        var r = Failed(await Run(tc), "tvm-llvm");
        Assert.Contains("without LLVM", r.Found);
        Assert.Contains("USE_LLVM", r.Fix);
    }

    [Fact]
    public async Task A_missing_tvm_module_points_at_the_tvm_source_option()
    {
        using var tc = new FakeToolchain();
        tc.FailProbe("tvm", "ModuleNotFoundError: No module named 'tvm'");
        var r = Failed(await Run(tc), "tvm");
        Assert.Contains("No module named 'tvm'", r.Found);
        Assert.Contains("--tvm-source", Ava.Compiler.Errors.Remedy.Render(r.Fix!, Ava.Cli.CommandLine.CliInputs.For(null)));
    }

    [Fact]
    public async Task A_crashing_interpreter_is_reported_with_its_last_stderr_line()
    {
        using var tc = new FakeToolchain();
        tc.CrashProbe("tvm", "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):\nOSError: /tc/build/libtvm.so: undefined symbol: TVMFFIBacktrace\n");
        var r = Failed(await Run(tc), "tvm");
        Assert.Contains("undefined symbol: TVMFFIBacktrace", r.Found);
        Assert.Contains("exit code 139", r.Found);
        Assert.Contains("different versions", r.Fix);
    }

    [Fact]
    public async Task A_probe_that_hangs_is_stopped_by_the_timeout()
    {
        using var tc = new FakeToolchain();
        tc.SlowProbe("tvm", 30);
        var report = await Run(tc, DoctorScope.Compile, options: DoctorOptions.Default.WithProbeTimeout(TimeSpan.FromSeconds(1)));
        var r = Failed(report, "tvm");
        Assert.Contains("did not answer within 1 s", r.Found);
    }

    [Fact]
    public async Task An_old_python_fails_the_interpreter_check()
    {
        using var tc = new FakeToolchain();
        tc.SetProbe("python", new { ok = true, version = "3.8.18", executable = tc.Python, platform = "linux" });
        var r = Failed(await Run(tc), "python");
        Assert.Contains("Python 3.8.18", r.Found);
        Assert.Contains("--python", Ava.Compiler.Errors.Remedy.Render(r.Fix!, Ava.Cli.CommandLine.CliInputs.For(null)));
    }

    [Fact]
    public async Task No_interpreter_fails_first_and_skips_every_python_check()
    {
        using var tc = new FakeToolchain();
        var report = await Run(tc, locations: tc.Locations.WithPython(null));
        Failed(report, "python");
        Assert.All(new[] { "tvm-ffi", "tvm-ffi-core", "tvm", "tvm-llvm", "mlc-llm-models" },
            id => Assert.Equal(CheckStatus.Skipped, report[id]!.Status));
        Assert.Equal(CheckStatus.Pass, report["llvm"]!.Status);
    }

    [Fact]
    public async Task An_mlc_checkout_at_head_fails_and_says_why_the_commit_matters()
    {
        using var tc = new FakeToolchain();
        tc.SetMlcCommit("79d603f0aaaabbbbccccddddeeeeffff00001111");
        var r = Failed(await Run(tc), "mlc-llm");
        Assert.StartsWith("79d603f0 at", r.Found);
        Assert.Contains("checkout 7b15b196d272285e775eb65e5bf8f84db6a1462b", r.Fix);
        Assert.Contains("TVM ≥ v0.25", r.Fix);
    }

    [Fact]
    public async Task The_other_known_good_mlc_commit_passes_with_a_note()
    {
        using var tc = new FakeToolchain();
        tc.SetMlcCommit("862a73116ef58241e85dd1f09e30c8e8f8f8f6af");
        var r = (await Run(tc))["mlc-llm"]!;
        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Contains("compatible with the lock", r.Found);
    }

    [Fact]
    public async Task An_mlc_folder_on_an_unmounted_drive_fails_naming_where_the_path_came_from()
    {
        using var tc = new FakeToolchain();
        var report = await Run(tc, locations: tc.Locations.WithMlcLlmDir(new LocatedPath("/Volumes/Models/mlc-llm", "config /x/alc.toolchain.json")));
        var r = Failed(report, "mlc-llm");
        Assert.Contains("/Volumes/Models/mlc-llm does not exist (from config /x/alc.toolchain.json)", r.Found);
        Assert.Equal(CheckStatus.Skipped, report["mlc-llm-models"]!.Status);
    }

    [Fact]
    public async Task An_mlc_registry_without_gemma3_text_fails()
    {
        using var tc = new FakeToolchain();
        tc.SetMlcRegistry(["gemma", "gemma2", "gemma3"], ["q4f16_0", "q4f16_1"]);
        var r = Failed(await Run(tc), "mlc-llm-models");
        Assert.Contains("missing gemma3_text", r.Found);
    }

    [Fact]
    public async Task LLVM_14_fails_and_LLVM_15_without_AArch64_fails()
    {
        using var tc = new FakeToolchain();
        tc.SetLlvm("14.0.6", "AArch64 X86");
        var r = Failed(await Run(tc), "llvm");
        Assert.Contains("LLVM 14.0.6", r.Found);
        Assert.Contains("llvm-15-dev", r.Fix);

        tc.SetLlvm("15.0.7", "X86 WebAssembly");
        r = Failed(await Run(tc), "llvm");
        Assert.Contains("without AArch64", r.Found);
    }

    [Fact]
    public async Task The_wrong_ndk_fails_a_sibling_release_warns_and_a_missing_clang_fails_without_blocking_compile()
    {
        using var tc = new FakeToolchain();
        tc.SetNdkRevision("26.1.10909125");
        var report = await Run(tc);
        var r = report["android-ndk"]!;
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("NDK 26.1.10909125", r.Found);
        Assert.Contains("sdkmanager \"ndk;27.0.12077973\"", r.Fix);
        Assert.True(report.Ok, "the NDK is recommended, not required: mlc_llm compile --device android only writes a tar");

        tc.SetNdkRevision("27.1.12297006");
        report = await Run(tc);
        Assert.Equal(CheckStatus.Warn, report["android-ndk"]!.Status);
        Assert.True(report.Ok);

        tc.SetNdkRevision("27.0.12077973");
        File.Delete(tc[$"ndk/toolchains/llvm/prebuilt/linux-x86_64/bin/{FakeToolchain.Lock.AndroidNdk.ClangDriverName}"]);
        report = await Run(tc);
        Assert.Equal(CheckStatus.Fail, report["ndk-clang"]!.Status);
        Assert.Contains("aarch64-linux-android24-clang is missing", report["ndk-clang"]!.Found);
        Assert.True(report.Ok);
    }

    [Fact]
    public async Task No_ndk_is_a_recommendation_naming_the_link_proof_and_the_app_build()
    {
        using var tc = new FakeToolchain();
        var report = await Run(tc, DoctorScope.Compile, locations: tc.Locations.WithNdkDir(null));
        var r = report["android-ndk"]!;
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("link proof", r.Expected);
        Assert.Contains("app build", r.Expected);
        Assert.Contains("skip the link proof", r.Found);
        Assert.Equal(CheckStatus.Skipped, report["ndk-clang"]!.Status);
        Assert.True(report.Ok);
    }

    [Fact]
    public async Task A_toolchain_without_torch_fails_naming_torch_why_convert_weight_needs_it_and_the_cpu_index()
    {
        using var tc = new FakeToolchain();
        tc.SetPythonPackages(without: "torch");
        var report = await Run(tc, DoctorScope.Compile);
        var r = Failed(report, "python-packages");
        Assert.Contains("ModuleNotFoundError: No module named 'torch'", r.Found);
        Assert.Contains("convert_weight", r.Found);
        Assert.Contains("loader/utils.py:58", r.Found);
        Assert.Contains("--index-url https://download.pytorch.org/whl/cpu 'torch==2.9.0'", r.Fix);
        var e = Assert.ThrowsAny<ToolchainMissingException>(report.ThrowIfNotOk);
        Assert.Contains("No module named 'torch'", e.Problem);
    }

    [Fact]
    public async Task All_lock_packages_importable_passes_and_a_missing_fallback_package_only_warns()
    {
        using var tc = new FakeToolchain();
        var report = await Run(tc);
        Assert.Equal(CheckStatus.Pass, report["python-packages"]!.Status);

        tc.SetPythonPackages(without: "transformers");
        report = await Run(tc);
        Assert.Equal(CheckStatus.Warn, report["python-packages"]!.Status);
        Assert.Contains("No module named 'transformers'", report["python-packages"]!.Found);
        Assert.True(report.Ok);
    }

    [Fact]
    public async Task The_tvm_ffi_torch_dlpack_warning_is_shown_and_does_not_fail()
    {
        using var tc = new FakeToolchain();
        // The text tvm-ffi@9a6ec6ee:python/tvm_ffi/_optional_torch_c_dlpack.py:625-627 warns with when the JIT build fails.
        tc.SetTvmFfi(FakeToolchain.Lock.TvmFfi.Version, warnings:
            ["UserWarning: Failed to load torch c dlpack extension: Ninja is required to load C++ extensions,EnvTensorAllocator will not be enabled."],
            importSeconds: 41);
        var report = await Run(tc);
        var r = report["tvm-ffi"]!;
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("Failed to load torch c dlpack extension", r.Found);
        Assert.Contains("import took 41 s", r.Found);
        Assert.Contains("Optional", r.Fix);
        Assert.True(report.Ok);
        Assert.Equal(CheckStatus.Pass, report["tvm-ffi-core"]!.Status);
    }

    [Fact]
    public async Task Too_little_disk_space_is_a_warning_that_does_not_block()
    {
        using var tc = new FakeToolchain();
        var greedy = FakeToolchain.Lock with { Disk = new DiskPin { MinimumFreeGigabytes = 1_000_000_000 } };
        var report = await Run(tc, options: DoctorOptions.Default.WithLock(greedy));
        Assert.Equal(CheckStatus.Warn, report["disk"]!.Status);
        Assert.False(report["disk"]!.Required);
        Assert.True(report.Ok);
    }

    [Fact]
    public async Task Compile_stops_with_one_paragraph_naming_every_failed_check_and_its_fix()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.4");
        tc.SetLlvm("17.0.1", "AArch64");
        var report = await Run(tc, DoctorScope.Compile);
        // The core keeps one paragraph (JSON, the Action); the CLI renders the report it carries as doctor's list.
        var e = Assert.ThrowsAny<ToolchainMissingException>(report.ThrowIfNotOk);
        Assert.Contains("tvm-ffi package: found tvm_ffi 0.1.4", e.Problem);
        Assert.Contains("LLVM: found LLVM 17.0.1", e.Problem);
        Assert.Contains("[tvm-ffi]", e.Fix);
        Assert.Contains("[llvm]", e.Fix);
        Assert.Equal(ExitCode.ToolchainMissing, e.ExitCode);
    }

    [Fact]
    public async Task A_libtvm_ffi_testing_without_the_dummy_target_fails_the_core_check_from_its_symbol_table()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.0", testingLibrary: "libtvm_ffi_testing-no-dummy.so");
        var r = Failed(await Run(tc), "tvm-ffi-core");
        Assert.Contains("libtvm_ffi_testing.so: missing TVMFFITestingDummyTarget", r.Found);
        Assert.Contains("Cython core", r.Fix);

        // The probe loads the library and looks the symbol up, so the compile subset catches it too.
        Assert.Equal(CheckStatus.Fail, (await Run(tc, DoctorScope.Compile))["tvm-ffi-core"]!.Status);
    }

    [Fact]
    public async Task A_libtvm_ffi_of_a_newer_generation_fails_even_when_the_version_string_says_0_1_0()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.0", ffiLibrary: "libtvm_ffi-newer.so");
        var r = Failed(await Run(tc), "tvm-ffi-core");
        Assert.Contains("post-0.1.0 tvm-ffi symbols (TVMFFIHandleInitOnce)", r.Found);
    }

    [Fact]
    public async Task A_build_folder_with_old_generation_libraries_fails_the_library_check()
    {
        using var tc = new FakeToolchain();
        tc.UseTvmLibraries("v0.20");
        var r = Failed(await Run(tc), "tvm-libraries");
        Assert.Contains("libtvm.so: exports the old ≤ v0.20 API (TVMFuncCall, TVMAPISetLastError, TVMBackendRegisterSystemLibSymbol)", r.Found);
        Assert.Contains("libtvm_runtime.so:", r.Found);
        Assert.Contains("older TVM", r.Fix);
    }

    [Fact]
    public async Task A_build_folder_without_libtvm_runtime_fails_with_the_build_command()
    {
        using var tc = new FakeToolchain();
        File.Delete(tc["tvm/build/libtvm_runtime.so"]);
        var r = Failed(await Run(tc), "tvm-libraries");
        Assert.Contains("libtvm_runtime.so does not exist", r.Found);
        Assert.Contains("cmake --build", r.Fix);
    }

    [Fact]
    public async Task A_macOS_host_reads_dylibs()
    {
        using var tc = new FakeToolchain();
        File.Copy(FakeToolchain.Fixture("libtvm_runtime-v0.22.dylib"), tc["tvm/build/libtvm_runtime.dylib"]);
        File.Copy(FakeToolchain.Fixture("libtvm_runtime-v0.22.dylib"), tc["tvm/build/libtvm.dylib"]);
        var report = await Doctor.RunAsync(tc.Locations, DoctorScope.Full, DoctorOptions.Default.WithHost(HostPlatform.MacOsArm64).WithWorkingDirectory(tc.Root), CancellationToken.None);
        Assert.Equal(CheckStatus.Pass, report["tvm-libraries"]!.Status);
        Assert.Contains("libtvm.dylib and libtvm_runtime.dylib", report["tvm-libraries"]!.Found);
    }

    [Fact]
    public async Task An_ava_runtime_is_checked_only_when_configured_and_an_old_one_fails()
    {
        using var tc = new FakeToolchain();
        var none = await Run(tc);
        Assert.Equal(CheckStatus.Skipped, none["ava-runtime"]!.Status);
        Assert.True(none.Ok);

        var old = await Run(tc, locations: tc.Locations.WithAvaRuntime(new LocatedPath(FakeToolchain.Fixture("libtvm_runtime-v0.20.so"), "--ava-runtime")));
        var r = Failed(old, "ava-runtime");
        Assert.Contains("exports the old C API (TVMFuncCall, TVMAPISetLastError)", r.Found);
        Assert.Contains("it is a ≤ v0.20 runtime", r.Found);
        Assert.Contains("Missing TVMFFIAnyViewToOwnedAny", r.Found);

        var garbage = tc.Locations.WithAvaRuntime(new LocatedPath(tc["tvm/CMakeLists.txt"], "--ava-runtime"));
        Assert.Contains("is not an object file, shared library or archive", Failed(await Run(tc, locations: garbage), "ava-runtime").Found);
    }

    [Fact]
    public async Task The_ava_runtime_check_takes_a_standard_builds_folder_and_says_to_pass_libtvm_ffi_when_only_libtvm_runtime_is_given()
    {
        using var tc = new FakeToolchain();
        var folder = await Run(tc, locations: tc.Locations.WithAvaRuntime(new LocatedPath(Ava.Compiler.Tests.Infrastructure.Fixtures.Tvm("runtime-split"), "--ava-runtime")));
        var ok = folder["ava-runtime"]!;
        Assert.True(ok.Status == CheckStatus.Pass, ok.Found);
        Assert.Contains("libtvm_ffi.so (42 TVMFFI*, 0 TVMBackend*; generation ≥ v0.22)", ok.Found);
        Assert.Contains("libtvm_runtime.so (0 TVMFFI*, 9 TVMBackend*; needs libtvm_ffi.so", ok.Found);

        var alone = await Run(tc, locations: tc.Locations.WithAvaRuntime(new LocatedPath(Ava.Compiler.Tests.Infrastructure.Fixtures.Tvm("runtime-no-ffi/libtvm_runtime.so"), "--ava-runtime")));
        var r = Failed(alone, "ava-runtime");
        Assert.Contains("exports no TVMFFI* symbols: they live in libtvm_ffi.so — pass it too", r.Found);
        Assert.Contains("links libtvm_ffi.so (DT_NEEDED), but libtvm_ffi.so is not among the runtime files given", r.Found);
        Assert.Contains("(path/to/libtvm_ffi.so) to the runtime files (--ava-runtime PATH)",
            Ava.Compiler.Errors.Remedy.Render(r.Fix!, Ava.Cli.CommandLine.CliInputs.For(Ava.Cli.AlcApp.Commands.Single(c => c.Spec.Name == "doctor").Spec)));
    }
}
