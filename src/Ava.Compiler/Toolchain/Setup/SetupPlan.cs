namespace Ava.Compiler.Toolchain.Setup;

/// <summary>
/// The steps that build the locked toolchain into a prefix, as data: <c>--plan</c> prints them, the runner executes
/// them. Follows upstream's build-from-source instructions for TVM v0.22 and MLC-LLM, with the lock's pins:
/// TVM at its commit with submodules (tvm-ffi 0.1.0 is the submodule), CMake with LLVM 15 linked statically, a venv,
/// tvm-ffi built from the submodule (its Cython core and libtvm_ffi_testing), TVM's Python package from the source
/// tree, MLC-LLM at its commit built against that TVM and installed with --no-deps (its requirements would pull
/// flashinfer and another apache-tvm-ffi), the NDK, then doctor.
/// </summary>
public static class SetupPlan
{
    /// <summary>
    /// What a person should expect before starting a full setup. An estimate, not a measurement: the setup has not
    /// run end to end on this project's CI machines; most of it is compiling TVM and MLC-LLM (C++ with LLVM).
    /// </summary>
    public const string ExpectedDuration = "builds TVM and MLC-LLM from source: about an hour, longer on fewer cores";

    /// <summary>Programs the command steps run (checked before anything starts).</summary>
    public static IReadOnlyList<string> RequiredPrograms(IReadOnlyList<SetupStep> steps) =>
        steps.SelectMany(s => s.Commands).Select(c => c.Program)
            .Where(p => !Path.IsPathRooted(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Programs the builds call indirectly (CMake's compilers, tokenizers-cpp's Rust build), with why.</summary>
    public static IReadOnlyDictionary<string, string> IndirectPrograms { get; } = new Dictionary<string, string>
    {
        ["c++"] = "the C++ compiler CMake builds TVM and MLC-LLM with",
        ["cargo"] = "Rust, which MLC-LLM's tokenizers-cpp needs",
    };

    public static IReadOnlyList<SetupStep> For(ToolchainLock lockFile, SetupOptions o)
    {
        var tvm = lockFile.Tvm;
        var mlc = lockFile.MlcLlm;
        var lib = o.Host.SharedLibraryName;
        var py = o.VenvPython;
        var jobs = o.Jobs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tvmFfiSource = Path.Combine(o.TvmDir, lockFile.TvmFfi.SourceSubdirectory);
        var steps = new List<SetupStep>
        {
            new("tvm-source", $"Check out TVM {tvm.Tag} ({tvm.Commit[..8]}) with its submodules",
            [
                new("git", ["clone", "--no-checkout", tvm.Repository, o.TvmDir], SkipIfExists: Path.Combine(o.TvmDir, ".git")),
                new("git", ["-C", o.TvmDir, "fetch", "origin", tvm.Commit]),
                new("git", ["-C", o.TvmDir, "checkout", "--force", "--detach", tvm.Commit]),
                new("git", ["-C", o.TvmDir, "submodule", "update", "--init", "--recursive", "--force"]),
            ],
            [new SetupCondition.GitHeadIs(o.TvmDir, tvm.Commit), new SetupCondition.GitHeadIs(tvmFfiSource, lockFile.TvmFfi.Commit)]),

            new("tvm-configure", $"Configure TVM with LLVM {lockFile.Llvm.Major}",
            [
                new("cmake",
                [
                    "-S", o.TvmDir, "-B", o.TvmBuildDir,
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    // Static LLVM so libtvm does not depend on the LLVM shared library at run time (upstream's advice).
                    $"-DUSE_LLVM={o.LlvmConfig} --ignore-libllvm --link-static",
                    "-DHIDE_PRIVATE_SYMBOLS=ON",
                    // Compiling for Android needs no GPU runtime on the host; OpenCL code generation is part of libtvm.
                    "-DUSE_CUDA=OFF", "-DUSE_METAL=OFF", "-DUSE_VULKAN=OFF", "-DUSE_OPENCL=OFF",
                    "-DUSE_LIBBACKTRACE=OFF",
                ]),
            ],
            [new SetupCondition.PathExists(Path.Combine(o.TvmBuildDir, "CMakeCache.txt"))]),

            new("tvm-build", "Build libtvm and libtvm_runtime",
            [
                new("cmake", ["--build", o.TvmBuildDir, "--parallel", jobs, "--target", "tvm", "tvm_runtime"]),
            ],
            [new SetupCondition.PathExists(Path.Combine(o.TvmBuildDir, lib("tvm"))), new SetupCondition.PathExists(Path.Combine(o.TvmBuildDir, lib("tvm_runtime")))]),

            new("venv", "Create the Python virtual environment",
            [
                new(o.BasePython, ["-m", "venv", o.VenvDir], SkipIfExists: py),
                new(py, ["-m", "pip", "install", "--upgrade", "pip", "setuptools", "wheel"]),
            ],
            [new SetupCondition.PathExists(py)]),

            new("tvm-ffi", $"Build and install {lockFile.TvmFfi.Package} {lockFile.TvmFfi.Version} from TVM's submodule (Cython core, libtvm_ffi_testing)",
            [
                // pip's build isolation supplies scikit-build-core and Cython, which compile the core extension.
                new(py, ["-m", "pip", "install", "--no-deps", "--force-reinstall", tvmFfiSource]),
            ],
            [new SetupCondition.PathExists(Path.Combine(o.SitePackages, "tvm_ffi", "lib", lib("tvm_ffi_testing")))]),

            new("tvm-python", "Install TVM's Python package from the source tree",
            [
                new(py, ["-m", "pip", "install", $"{lockFile.TvmFfi.Package}=={lockFile.TvmFfi.Version}", .. Requirements(lockFile, "tvm", o.Host.Os, index: null)]),
                // Upstream's source install puts <tvm>/python on the path; a .pth file does that for this venv only.
                // tvm then finds libtvm in <tvm>/build next to its source tree.
                new(py, ["-c", "import site, sys; open(site.getsitepackages()[0] + '/alc-tvm.pth', 'w').write(sys.argv[1] + '\\n')", Path.Combine(o.TvmDir, "python")]),
            ],
            [new SetupCondition.PathExists(Path.Combine(o.SitePackages, "alc-tvm.pth"))]),

            new("mlc-source", $"Check out MLC-LLM {mlc.Commit[..8]}",
            [
                new("git", ["clone", "--no-checkout", mlc.Repository, o.MlcDir], SkipIfExists: Path.Combine(o.MlcDir, ".git")),
                new("git", ["-C", o.MlcDir, "fetch", "origin", mlc.Commit]),
                new("git", ["-C", o.MlcDir, "checkout", "--force", "--detach", mlc.Commit]),
                // Not 3rdparty/tvm: MLC-LLM is built against the TVM checked out above (TVM_SOURCE_DIR).
                new("git", ["-C", o.MlcDir, "submodule", "update", "--init", "--recursive", "--force",
                    "3rdparty/argparse", "3rdparty/stb", "3rdparty/tokenizers-cpp", "3rdparty/xgrammar"]),
            ],
            [new SetupCondition.GitHeadIs(o.MlcDir, mlc.Commit)]),

            new("mlc-build", "Build MLC-LLM's libraries against the locked TVM",
            [
                new("cmake", ["-S", o.MlcDir, "-B", Path.Combine(o.MlcDir, "build"), $"-DTVM_SOURCE_DIR={o.TvmDir}", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DUSE_CUDA=OFF", "-DUSE_METAL=OFF", "-DUSE_VULKAN=OFF", "-DUSE_OPENCL=OFF"]),
                new("cmake", ["--build", Path.Combine(o.MlcDir, "build"), "--parallel", jobs, "--target", "mlc_llm", "mlc_llm_module"]),
            ],
            [new SetupCondition.PathExists(Path.Combine(o.MlcDir, "build", lib("mlc_llm_module")))]),

            new("mlc-python", "Install MLC-LLM's Python package without pulling another TVM or tvm-ffi",
            [
                new(py, ["-m", "pip", "install", "--no-deps", "--editable", Path.Combine(o.MlcDir, "python")]),
                // Packages with their own index first (CPU torch), so the plain install below finds them satisfied
                // instead of pulling PyPI's CUDA build.
                .. IndexedInstalls(lockFile, "mlc-llm", o),
                new(py, ["-m", "pip", "install", $"{lockFile.TvmFfi.Package}=={lockFile.TvmFfi.Version}", .. Requirements(lockFile, "mlc-llm", o.Host.Os, index: null)]),
            ],
            []),
        };

        if (o.ExistingNdk is null) steps.Add(NdkStep(lockFile, o));
        if (o.UserConfigPath is not null)
            steps.Add(new("record-prefix", $"Record the prefix in {o.UserConfigPath}", [], [], SetupAction.RecordPrefix));
        steps.Add(new("doctor", "Check the result with alc doctor", [], [], SetupAction.Doctor));
        return steps;
    }

    /// <summary>
    /// Every step id a plan can have (the NDK and record-prefix steps included), for help and completion; a given
    /// machine's plan may leave some out.
    /// </summary>
    public static IReadOnlyList<string> AllStepIds(ToolchainLock lockFile) =>
        For(lockFile, new SetupOptions(Path.Combine(Path.GetTempPath(), "alc-setup-ids")).WithUserConfigPath("config.json")).Select(s => s.Id).ToList();

    /// <summary>The lock's requirements of one group that install from <paramref name="index"/> (null: the default index).</summary>
    public static IReadOnlyList<string> Requirements(ToolchainLock lockFile, string group, HostOs os, string? index) =>
        lockFile.Python.InstalledBy(group).Where(p => p.IndexFor(os) == index).Select(p => p.Requirement).ToList();

    private static IEnumerable<SetupCommand> IndexedInstalls(ToolchainLock lockFile, string group, SetupOptions o) =>
        lockFile.Python.InstalledBy(group).Select(p => p.IndexFor(o.Host.Os)).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(index => new SetupCommand(o.VenvPython, ["-m", "pip", "install", "--index-url", index, .. Requirements(lockFile, group, o.Host.Os, index)]));

    private static SetupStep NdkStep(ToolchainLock lockFile, SetupOptions o)
    {
        var ndk = lockFile.AndroidNdk;
        var dir = Path.Combine(o.Prefix, $"android-ndk-{ndk.Release}");
        var condition = new SetupCondition.PathExists(Path.Combine(dir, "source.properties"));
        if (o.Host.Os == HostOs.MacOs)
        {
            // Google ships the macOS NDK as a .dmg; Android's sdkmanager is the scripted way to install it.
            var sdk = Path.Combine(o.Prefix, "android-sdk");
            return new("ndk", $"Install Android NDK {ndk.Version} with sdkmanager",
            [
                new("sdkmanager", [$"--sdk_root={sdk}", "--install", $"ndk;{ndk.Version}"]),
                new("ln", ["-sfn", Path.Combine(sdk, "ndk", ndk.Version), dir]),
            ],
            [condition]);
        }
        var zip = Path.Combine(o.Prefix, $"android-ndk-{ndk.Release}-linux.zip");
        return new("ndk", $"Download Android NDK {ndk.Version} ({ndk.Release})",
        [
            new("curl", ["-fL", "--retry", "3", "-o", zip, $"https://dl.google.com/android/repository/android-ndk-{ndk.Release}-linux.zip"]),
            new("unzip", ["-q", "-o", zip, "-d", o.Prefix]),
            new("rm", ["-f", zip]),
        ],
        [condition]);
    }
}
