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

    [Fact]
    public void Output_without_json_is_read_as_a_crash_with_the_last_stderr_line()
    {
        var r = PythonProbe.Interpret("tvm", 134, "loading...\n", "warning: x\nOSError: libtvm.so: cannot open shared object file\n\n");
        Assert.False(r.Ok);
        Assert.Equal("OSError: libtvm.so: cannot open shared object file (exit code 134)", r.Error);
    }
}
