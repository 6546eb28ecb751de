using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Toolchain;

/// <summary>
/// A fabricated toolchain installation in a temp folder: TVM and MLC-LLM folder trees (MLC with a real .git HEAD),
/// an NDK with source.properties and its clang/llvm-ar, and test doubles for the two programs we cannot install here:
/// a stand-in Python that answers alc's probes with canned JSON, and an llvm-config stand-in. Each answer can be
/// changed per test to fabricate one broken installation.
/// </summary>
public sealed class FakeToolchain : IDisposable
{
    private readonly TempDir _dir = new("tc");

    public FakeToolchain()
    {
        _dir.Write("tvm/CMakeLists.txt", "project(tvm C CXX)\n");
        _dir.Write("tvm/python/tvm/__init__.py", "");
        _dir.Write("tvm/3rdparty/tvm-ffi/pyproject.toml", "[project]\nname = \"apache-tvm-ffi\"\nversion = \"0.1.0\"\n");
        UseTvmLibraries("v0.22");
        _dir.Write("mlc-llm/python/mlc_llm/__init__.py", "");
        SetMlcCommit(Lock.MlcLlm.Commit);
        SetNdkRevision(Lock.AndroidNdk.Version);
        _dir.Write($"ndk/toolchains/llvm/prebuilt/linux-x86_64/bin/{Lock.AndroidNdk.ClangDriverName}", "#!/bin/sh\n");
        _dir.Write("ndk/toolchains/llvm/prebuilt/linux-x86_64/bin/llvm-ar", "#!/bin/sh\n");
        WriteExecutable("llvm/bin/llvm-config", """
            #!/bin/sh
            d=$(dirname "$0")
            case "$1" in
              --version) cat "$d/version" ;;
              --targets-built) cat "$d/targets" ;;
              *) echo "llvm-config: unknown option $1" >&2; exit 1 ;;
            esac
            """);
        SetLlvm("15.0.7", "AArch64 ARM X86");
        WriteExecutable("venv/bin/python3", """
            #!/bin/sh
            # Stand-in for a Python with TVM installed: answers "python -c <probe.py> <probe>" from canned files.
            d=$(dirname "$0")/probes
            for last; do :; done
            if [ -f "$d/$last.sleep" ]; then sleep "$(cat "$d/$last.sleep")"; fi
            if [ -f "$d/$last.stderr" ]; then cat "$d/$last.stderr" >&2; exit 139; fi
            if [ ! -f "$d/$last.json" ]; then
              # No canned answer: the real interpreter runs the probe over the stub packages (site-stubs).
              PYTHONPATH="$(dirname "$0")/../site-stubs${PYTHONPATH:+:$PYTHONPATH}" exec python3 "$@"
            fi
            cat "$d/$last.json"
            """);
        Directory.CreateDirectory(_dir["venv/bin/probes"]);
        PythonStubs.Install(_dir["venv/site-stubs"]);

        SetProbe("python", new { ok = true, version = "3.11.9", executable = Python, platform = "linux" });
        SetTvmFfi(Lock.TvmFfi.Version);
        SetProbe("tvm", new
        {
            ok = true, version = Lock.Tvm.Version, file = _dir["tvm/python/tvm/__init__.py"], library = _dir["tvm/build/libtvm.so"],
            gitCommit = Lock.Tvm.Commit, llvmVersion = "15.0.7", useLlvm = "/usr/lib/llvm-15/bin/llvm-config --link-static", runtimeOnly = false,
        });
        SetProbe("mlc_llm", new
        {
            ok = true, file = _dir["mlc-llm/python/mlc_llm/__init__.py"],
            models = new[] { "gemma", "gemma2", "gemma3", "gemma3_text", "llama", "qwen3" },
            quantizations = new[] { "q0f16", "q4f16_0", "q4f16_1", "q4f32_1" },
        });
    }

    public static ToolchainLock Lock => ToolchainLock.Default;

    public string Root => _dir.Path;

    public string this[string relative] => _dir[relative];

    public string Python => _dir["venv/bin/python3"];

    public string TvmFfiPackage => _dir["venv/lib/python3.11/site-packages/tvm_ffi"];

    public ToolchainLocations Locations => ToolchainLocations.Empty
        .WithPrefix(new LocatedPath(Root, "test"))
        .WithTvmSourceDir(new LocatedPath(_dir["tvm"], "test"))
        .WithTvmBuildDir(new LocatedPath(_dir["tvm/build"], "test"))
        .WithMlcLlmDir(new LocatedPath(_dir["mlc-llm"], "test"))
        .WithPython(new LocatedPath(Python, "test"))
        .WithLlvmConfig(new LocatedPath(_dir["llvm/bin/llvm-config"], "test"))
        .WithNdkDir(new LocatedPath(_dir["ndk"], "test"));

    /// <summary>The same locations as ALC_* variables, for running the CLI.</summary>
    public Dictionary<string, string> Environment => new(StringComparer.Ordinal)
    {
        ["ALC_PYTHON"] = Python,
        ["ALC_TVM_SOURCE_DIR"] = _dir["tvm"],
        ["ALC_MLC_LLM_DIR"] = _dir["mlc-llm"],
        ["ALC_LLVM_CONFIG"] = _dir["llvm/bin/llvm-config"],
        ["ALC_ANDROID_NDK"] = _dir["ndk"],
        ["ALC_TOOLCHAIN_PREFIX"] = _dir["prefix-unused"],
    };

    /// <summary>The stub packages the real interpreter imports for the imports probe, without <paramref name="without"/>.</summary>
    public void SetPythonPackages(params string[] without)
    {
        Directory.Delete(_dir["venv/site-stubs"], recursive: true);
        PythonStubs.Install(_dir["venv/site-stubs"], without);
    }

    public void SetProbe(string probe, object answer) =>
        _dir.Write($"venv/bin/probes/{probe}.json", "some import-time noise\n" + JsonSerializer.Serialize(answer) + "\n");

    /// <summary>The interpreter dies without printing JSON (a segfault in a native library).</summary>
    public void CrashProbe(string probe, string stderr) => _dir.Write($"venv/bin/probes/{probe}.stderr", stderr);

    public void SlowProbe(string probe, int seconds) => _dir.Write($"venv/bin/probes/{probe}.sleep", seconds.ToString());

    public void FailProbe(string probe, string errorLastLine) =>
        SetProbe(probe, new { ok = false, error = errorLastLine, traceback = "Traceback (most recent call last):\n  ...\n" + errorLastLine + "\n" });

    /// <summary>A shared library built by tests/fixtures/toolchain/generate.sh (clang-14, lld-14).</summary>
    public static string Fixture(string name) => RepoPaths.Combine("tests", "fixtures", "toolchain", "out", name);

    /// <summary>Puts libtvm.so and libtvm_runtime.so of a generation ("v0.22" or "v0.20") in tvm/build.</summary>
    public void UseTvmLibraries(string generation)
    {
        Directory.CreateDirectory(_dir["tvm/build"]);
        File.Copy(Fixture($"libtvm-{generation}.so"), _dir["tvm/build/libtvm.so"], overwrite: true);
        File.Copy(Fixture($"libtvm_runtime-{generation}.so"), _dir["tvm/build/libtvm_runtime.so"], overwrite: true);
    }

    /// <param name="testingLibrary">"libtvm_ffi_testing.so", "libtvm_ffi_testing-no-dummy.so", or null for none.</param>
    /// <param name="ffiLibrary">"libtvm_ffi-0.1.0.so" or "libtvm_ffi-newer.so".</param>
    /// <param name="warnings">What <c>import tvm_ffi</c> warned (the probe records warnings as "Category: message").</param>
    public void SetTvmFfi(string version, bool core = true, string? testingLibrary = "libtvm_ffi_testing.so", string ffiLibrary = "libtvm_ffi-0.1.0.so",
        string[]? warnings = null, double importSeconds = 0.2)
    {
        var lib = Path.Combine(TvmFfiPackage, "lib");
        Directory.CreateDirectory(lib);
        foreach (var f in Directory.GetFiles(lib)) File.Delete(f);
        File.Copy(Fixture(ffiLibrary), Path.Combine(lib, "libtvm_ffi.so"));
        if (testingLibrary is not null) File.Copy(Fixture(testingLibrary), Path.Combine(lib, "libtvm_ffi_testing.so"));
        SetTvmFfiProbe(version, TvmFfiPackage, lib, core, testingLibrary, [lib], warnings, importSeconds);
        // What the MLC stand-in's `import tvm` sees (tests/fixtures/python-stubs/tvm models libtvm's link to tvm-ffi).
        _dir.Write("venv/site-stubs/tvm_ffi/__init__.py", $"\"\"\"Test stub of tvm_ffi {version}.\"\"\"\n__version__ = \"{version}\"\n");
    }

    /// <summary>
    /// tvm-ffi as a TVM source build leaves it (the layout of the real v0.22.0 build in tests/fixtures/tvm-v0.22.0-real):
    /// the package used from <c>tvm/3rdparty/tvm-ffi/python</c> with no <c>lib/</c> of its own, and libtvm_ffi.so (the 42
    /// TVMFFI* exports) and libtvm_ffi_testing.so in <c>tvm/build/lib</c>, where tvm-ffi's loader finds them; libtvm.so
    /// and libtvm_runtime.so in <c>tvm/build</c> export no TVMFFI* symbol. Answers as the probe does for that layout.
    /// </summary>
    public void UseTvmFfiFromSourceBuild(string? testingLibrary = "libtvm_ffi_testing.so")
    {
        var package = _dir["tvm/3rdparty/tvm-ffi/python/tvm_ffi"];
        Directory.CreateDirectory(package);
        if (Directory.Exists(TvmFfiPackage)) Directory.Delete(TvmFfiPackage, recursive: true);
        var buildLib = _dir["tvm/build/lib"];
        Directory.CreateDirectory(buildLib);
        File.Copy(Fixture("libtvm_ffi-0.1.0.so"), Path.Combine(buildLib, "libtvm_ffi.so"), overwrite: true);
        if (testingLibrary is not null) File.Copy(Fixture(testingLibrary), Path.Combine(buildLib, "libtvm_ffi_testing.so"), overwrite: true);
        SetTvmFfiProbe(Lock.TvmFfi.Version, package, buildLib, core: true, testingLibrary, [buildLib]);
    }

    /// <summary>The tvm_ffi probe's answer: what probe.py reports after importing tvm_ffi whose libraries are in <paramref name="libDir"/>.</summary>
    private void SetTvmFfiProbe(string version, string package, string libDir, bool core, string? testingLibrary, string[] searchPath,
        string[]? warnings = null, double importSeconds = 0.2)
    {
        var testing = Path.Combine(libDir, "libtvm_ffi_testing.so");
        SetProbe("tvm_ffi", new
        {
            ok = true, version, distributionVersion = version, file = Path.Combine(package, "__init__.py"),
            libDir = Path.Combine(package, "lib"),
            libraries = Directory.Exists(Path.Combine(package, "lib")) ? Directory.GetFiles(Path.Combine(package, "lib")).Select(Path.GetFileName).Order().ToArray() : [],
            core = core ? Path.Combine(package, "core.cpython-311-x86_64-linux-gnu.so") : null,
            coreError = core ? null : "ImportError: cannot import name 'core' from 'tvm_ffi'",
            warnings = warnings ?? [], importSeconds,
            ffiLibrary = Path.Combine(libDir, "libtvm_ffi.so"),
            testingLibrary = testingLibrary is null ? null : testing,
            // The probe loads the library with ctypes and looks the symbol up; this stand-in knows which fixture lacks it.
            testingSymbol = testingLibrary is null ? (bool?)null : testingLibrary != "libtvm_ffi_testing-no-dummy.so",
            testingVia = testingLibrary is null ? null : "tvm_ffi.libinfo search path",
            testingSearchPath = searchPath,
            testingError = testingLibrary is null ? "RuntimeError: Cannot find library: libtvm_ffi_testing.so" : null,
        });
    }

    /// <summary>
    /// Makes the MLC-LLM checkout run the test stand-in for <c>python -m mlc_llm</c> (tests/fixtures/mlc-standin):
    /// its python/ folder becomes a link to the stand-in's, so the checkout keeps its own .git (and commit). The fake
    /// interpreter runs it with the real Python over the stub packages, and it compiles with clang-14.
    /// </summary>
    public void UseMlcStandIn()
    {
        var python = _dir["mlc-llm/python"];
        if (Directory.Exists(python)) Directory.Delete(python, recursive: true);
        Directory.CreateSymbolicLink(python, RepoPaths.Combine("tests", "fixtures", "mlc-standin", "python"));
    }

    public void SetTvm(string version, string? gitCommit, string? llvmVersion = "15.0.7", string? useLlvm = "ON", bool runtimeOnly = false) =>
        SetProbe("tvm", new
        {
            ok = true, version, file = _dir["tvm/python/tvm/__init__.py"], library = _dir["tvm/build/libtvm.so"],
            gitCommit, llvmVersion, useLlvm, runtimeOnly,
        });

    public void SetMlcRegistry(string[] models, string[] quantizations) =>
        SetProbe("mlc_llm", new { ok = true, file = _dir["mlc-llm/python/mlc_llm/__init__.py"], models, quantizations });

    /// <summary>A branch checkout whose ref is packed, as after a fresh clone.</summary>
    public void SetMlcCommit(string commit)
    {
        _dir.Write("mlc-llm/.git/HEAD", "ref: refs/heads/main\n");
        _dir.Write("mlc-llm/.git/packed-refs", $"# pack-refs with: peeled fully-peeled sorted\n{commit} refs/heads/main\n");
    }

    public void SetNdkRevision(string revision) =>
        _dir.Write("ndk/source.properties", $"Pkg.Desc = Android NDK\nPkg.Revision = {revision}\nPkg.BaseRevision = {revision}\n");

    public void SetLlvm(string version, string targets)
    {
        _dir.Write("llvm/bin/version", version + "\n");
        _dir.Write("llvm/bin/targets", targets + "\n");
    }

    public void WriteExecutable(string relative, string script)
    {
        var path = _dir.Write(relative, script.Replace("\r", "") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _dir.Dispose();
}
