using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// Stub Python packages for the modules toolchain.lock.json lists (and tvm / tvm_ffi, which the toolchain provides):
/// importable, so the MLC stand-in and the doctor probe run with the real interpreter; a module left out fails with
/// Python's own ModuleNotFoundError. See tests/fixtures/python-stubs/README.md.
/// </summary>
public static class PythonStubs
{
    /// <summary>The modules the toolchain provides besides the lock's package list.</summary>
    public static readonly IReadOnlyList<string> ToolchainModules = ["tvm", "tvm_ffi"];

    private static readonly Lazy<string> Shared = new(() =>
        Install(Path.Combine(Path.GetTempPath(), $"alc-python-stubs-{Environment.ProcessId}-{Guid.NewGuid():N}")));

    /// <summary>One folder with every stub, made once per test run, for tests that need a complete toolchain.</summary>
    public static string SharedDirectory => Shared.Value;

    public static IReadOnlyList<string> LockModules => ToolchainLock.Default.Python.Packages.Select(p => p.Module).ToList();

    /// <summary>Writes stubs for every lock module and toolchain module except <paramref name="without"/>; returns the folder.</summary>
    public static string Install(string directory, params string[] without)
    {
        Directory.CreateDirectory(directory);
        foreach (var module in LockModules.Concat(ToolchainModules).Except(without))
        {
            var fixture = RepoPaths.Combine("tests", "fixtures", "python-stubs", module);
            var target = Path.Combine(directory, module);
            Directory.CreateDirectory(target);
            if (Directory.Exists(fixture))
                foreach (var f in Directory.GetFiles(fixture)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)), overwrite: true);
            else
                File.WriteAllText(Path.Combine(target, "__init__.py"), $"\"\"\"Test stub of {module} (tests/fixtures/python-stubs).\"\"\"\n__version__ = \"0+alc.stub\"\n");
        }
        return directory;
    }
}
