using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain.Probes;

namespace Ava.Compiler.Tests.Toolchain;

/// <summary>
/// The probe script itself, run by the machine's real python3 against fabricated tvm_ffi / tvm packages on
/// PYTHONPATH, so the error lines doctor shows are the ones Python really prints.
/// </summary>
public class PythonProbeTests
{
    private static PythonProbe Probe(TempDir dir) =>
        new("python3", new Dictionary<string, string> { ["PYTHONPATH"] = dir.Path, ["PYTHONDONTWRITEBYTECODE"] = "1" }, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task The_interpreter_probe_reports_the_real_python_version()
    {
        using var dir = new TempDir("probe");
        var r = await Probe(dir).RunAsync("python", CancellationToken.None);
        Assert.True(r.Ok, r.Error);
        Assert.True(Version.Parse(r.String("version")!) >= new Version(3, 6));
    }

    [Fact]
    public async Task A_tvm_ffi_whose_core_is_missing_gives_pythons_partially_initialized_module_error()
    {
        using var dir = new TempDir("probe");
        // What a TVM source build without the Cython extension looks like: the package imports its core first thing.
        dir.Write("tvm_ffi/__init__.py", "__version__ = '0.1.0'\nfrom . import registry\n");
        dir.Write("tvm_ffi/registry.py", "from . import core\n");
        var r = await Probe(dir).RunAsync("tvm_ffi", CancellationToken.None);
        Assert.False(r.Ok);
        Assert.StartsWith("ImportError: cannot import name 'core' from partially initialized module 'tvm_ffi'", r.Error);
        Assert.Contains("Traceback", r.Detail);
    }

    [Fact]
    public async Task A_working_tvm_ffi_and_tvm_are_described_with_versions_paths_and_build_info()
    {
        using var dir = new TempDir("probe");
        dir.Write("tvm_ffi/__init__.py", "__version__ = '0.1.0'\n");
        dir.Write("tvm_ffi/core.py", "");
        dir.Write("tvm_ffi/lib/libtvm_ffi_testing.so", "");
        dir.Write("tvm/__init__.py", "__version__ = '0.22.0'\nfrom . import base, support\n");
        dir.Write("tvm/base.py", "class _L:\n    _name = '/b/libtvm.so'\n_LIB = _L()\n_RUNTIME_ONLY = False\n");
        dir.Write("tvm/support.py", "def libinfo():\n    return {'GIT_COMMIT_HASH': '9dbf3f22ff6f44962472f9af310fda368ca85ef2', 'LLVM_VERSION': '15.0.7', 'USE_LLVM': 'ON'}\n");
        var probe = Probe(dir);

        var ffi = await probe.RunAsync("tvm_ffi", CancellationToken.None);
        Assert.True(ffi.Ok, ffi.Error);
        Assert.Equal("0.1.0", ffi.String("version"));
        Assert.Equal(Path.Combine(dir.Path, "tvm_ffi", "core.py"), ffi.String("core"));
        Assert.Contains("libtvm_ffi_testing.so", ffi.Strings("libraries"));

        var tvm = await probe.RunAsync("tvm", CancellationToken.None);
        Assert.True(tvm.Ok, tvm.Error);
        Assert.Equal("0.22.0", tvm.String("version"));
        Assert.Equal("9dbf3f22ff6f44962472f9af310fda368ca85ef2", tvm.String("gitCommit"));
        Assert.Equal("15.0.7", tvm.String("llvmVersion"));
        Assert.Equal("/b/libtvm.so", tvm.String("library"));
        Assert.False(tvm.Bool("runtimeOnly"));
    }

    /// <summary>
    /// A TVM source build as the real v0.22.0 one (tests/fixtures/tvm-v0.22.0-real/README.md): tvm_ffi used from
    /// <c>3rdparty/tvm-ffi/python</c> without a <c>lib/</c> folder, its libraries in a build folder. The stand-in package
    /// mirrors tvm-ffi 0.1.0's loader (apache/tvm-ffi@9a6ec6ee python/tvm_ffi/libinfo.py:52-121: the package's lib/,
    /// ../../build/lib, ../../../build/lib, then LD_LIBRARY_PATH and PATH; base.py:43-56 loads libtvm_ffi with
    /// RTLD_GLOBAL) and its Cython core (linked against libtvm_ffi_testing, calls TVMFFITestingDummyTarget at import,
    /// base.pxi:457-458). The libraries are the real ELF fixtures from tests/fixtures/toolchain, loaded by ctypes.
    /// </summary>
    private static void WriteSourceBuildTvmFfi(TempDir dir, string package)
    {
        dir.Write($"{package}/__init__.py", "__version__ = '0.1.0'\nfrom . import base\nfrom . import libinfo\nfrom . import core\n");
        dir.Write($"{package}/libinfo.py", """
            import os, sys
            from pathlib import Path

            def split_env_var(name, sep):
                return [p.strip() for p in os.environ[name].split(sep)] if os.environ.get(name) else []

            def get_dll_directories():
                ffi_dir = Path(__file__).expanduser().resolve().parent
                dirs = [ffi_dir / "lib", ffi_dir / ".." / ".." / "build" / "lib", ffi_dir / ".." / ".." / ".." / "build" / "lib"]
                if sys.platform.startswith("linux"):
                    dirs += [Path(p) for p in split_env_var("LD_LIBRARY_PATH", ":")] + [Path(p) for p in split_env_var("PATH", ":")]
                return [str(p.resolve()) for p in dirs if p.is_dir()]

            def find_library_by_basename(base):
                candidates = [Path(d) / ("lib%s.so" % base) for d in get_dll_directories()]
                found = [p for p in candidates if p.is_file()]
                if not found:
                    raise RuntimeError("Cannot find library: lib%s.so\nList of candidates:\n%s" % (base, "\n".join(map(str, candidates))))
                return str(found[0])

            def find_libtvm_ffi():
                return find_library_by_basename("tvm_ffi")
            """);
        dir.Write($"{package}/base.py", "import ctypes\nfrom . import libinfo\n_LIB = ctypes.CDLL(libinfo.find_libtvm_ffi(), ctypes.RTLD_GLOBAL)\n");
        dir.Write($"{package}/core.py", "import ctypes\nfrom . import libinfo\n_TESTING = ctypes.CDLL(libinfo.find_library_by_basename('tvm_ffi_testing'))\n_TESTING.TVMFFITestingDummyTarget()\n");
    }

    [Theory]
    [InlineData("tvm/build/lib", true)]                 // TVM's CMake build: tvm-ffi's libraries land in <tvm>/build/lib, found via LD_LIBRARY_PATH
    [InlineData("tvm/3rdparty/tvm-ffi/build/lib", false)] // tvm-ffi built on its own: found as the package's ../../build/lib
    public async Task The_probe_finds_libtvm_ffi_testing_in_a_source_build_as_tvm_ffi_does_and_checks_its_symbol_by_loading_it(string buildLib, bool viaEnvironment)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir("probe");
        WriteSourceBuildTvmFfi(dir, "tvm/3rdparty/tvm-ffi/python/tvm_ffi");
        Directory.CreateDirectory(dir[buildLib]);
        File.Copy(FakeToolchain.Fixture("libtvm_ffi-0.1.0.so"), dir[$"{buildLib}/libtvm_ffi.so"]);
        File.Copy(FakeToolchain.Fixture("libtvm_ffi_testing.so"), dir[$"{buildLib}/libtvm_ffi_testing.so"]);
        var env = new Dictionary<string, string> { ["PYTHONPATH"] = dir["tvm/3rdparty/tvm-ffi/python"], ["PYTHONDONTWRITEBYTECODE"] = "1" };
        if (viaEnvironment) env["LD_LIBRARY_PATH"] = dir[buildLib];
        var r = await new PythonProbe("python3", env, TimeSpan.FromSeconds(60)).RunAsync("tvm_ffi", CancellationToken.None);

        Assert.True(r.Ok, r.Error);
        Assert.NotNull(r.String("core"));
        Assert.Equal(dir[$"{buildLib}/libtvm_ffi_testing.so"], r.String("testingLibrary"));
        Assert.Equal("mapped by the tvm_ffi core", r.String("testingVia"));
        Assert.True(r.Bool("testingSymbol"));
        Assert.Equal(dir[$"{buildLib}/libtvm_ffi.so"], r.String("ffiLibrary"));
        Assert.Contains(dir[buildLib], r.Strings("testingSearchPath"));
        Assert.Empty(r.Strings("libraries")); // nothing in the package's own lib/
    }

    [Fact]
    public async Task The_probe_reports_a_testing_library_without_the_dummy_target_after_loading_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir("probe");
        WriteSourceBuildTvmFfi(dir, "tvm/3rdparty/tvm-ffi/python/tvm_ffi");
        // A core that does not call the target (so the import succeeds) with a testing library that lacks it.
        dir.Write("tvm/3rdparty/tvm-ffi/python/tvm_ffi/core.py", "");
        Directory.CreateDirectory(dir["tvm/3rdparty/tvm-ffi/build/lib"]);
        File.Copy(FakeToolchain.Fixture("libtvm_ffi-0.1.0.so"), dir["tvm/3rdparty/tvm-ffi/build/lib/libtvm_ffi.so"]);
        File.Copy(FakeToolchain.Fixture("libtvm_ffi_testing-no-dummy.so"), dir["tvm/3rdparty/tvm-ffi/build/lib/libtvm_ffi_testing.so"]);
        var env = new Dictionary<string, string> { ["PYTHONPATH"] = dir["tvm/3rdparty/tvm-ffi/python"], ["PYTHONDONTWRITEBYTECODE"] = "1" };
        var r = await new PythonProbe("python3", env, TimeSpan.FromSeconds(60)).RunAsync("tvm_ffi", CancellationToken.None);
        Assert.True(r.Ok, r.Error);
        Assert.Equal("tvm_ffi.libinfo search path", r.String("testingVia"));
        Assert.False(r.Bool("testingSymbol"));
    }

    [Fact]
    public async Task The_probe_passes_a_source_archive_builds_NOT_FOUND_commit_through_whole()
    {
        using var dir = new TempDir("probe");
        dir.Write("tvm/__init__.py", "__version__ = '0.22.0'\nfrom . import base, support\n");
        dir.Write("tvm/base.py", "_LIB = None\n_RUNTIME_ONLY = False\n");
        dir.Write("tvm/support.py", "def libinfo():\n    return {'GIT_COMMIT_HASH': 'NOT-FOUND', 'LLVM_VERSION': '15.0.6', 'USE_LLVM': '/usr/bin/llvm-config-15'}\n");
        var tvm = await Probe(dir).RunAsync("tvm", CancellationToken.None);
        Assert.True(tvm.Ok, tvm.Error);
        Assert.Equal("NOT-FOUND", tvm.String("gitCommit"));
    }

    [Fact]
    public void Output_without_json_is_read_as_a_crash_with_the_last_stderr_line()
    {
        var r = PythonProbe.Interpret("tvm", 134, "loading...\n", "warning: x\nOSError: libtvm.so: cannot open shared object file\n\n");
        Assert.False(r.Ok);
        Assert.Equal("OSError: libtvm.so: cannot open shared object file (exit code 134)", r.Error);
    }
}
