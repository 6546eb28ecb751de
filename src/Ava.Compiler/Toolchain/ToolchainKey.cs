using System.Globalization;
using Ava.Compiler.Hashing;

namespace Ava.Compiler.Toolchain;

/// <summary>
/// The identity of one toolchain installation, as a key: the lock's pins — the same inputs every toolchain-driven
/// pipeline stage keys on (<see cref="AddPins"/>, used by <c>LlmBuild.AddToolchain</c>) — plus what is actually
/// installed at the located paths: the interpreter, the packages of its venv and of the toolchain's PYTHONPATH (each
/// entry's name and modification time, so a pip install, upgrade or reinstall changes it), libtvm / libtvm_runtime, the
/// TVM and MLC-LLM checkouts' commits, llvm-config, the NDK's revision and AVA's runtime. Files are identified by
/// size and modification time, not content: libtvm is hundreds of megabytes and a rebuild always rewrites it. A changed
/// toolchain gives another key, so a result cached under the key (the smoke test's) is never reused for it.
/// </summary>
public static class ToolchainKey
{
    /// <summary>The lock's pins: a new pin means new outputs.</summary>
    public static KeyBuilder AddPins(KeyBuilder key, ToolchainLock lockFile) =>
        key.Add("tvm-commit", lockFile.Tvm.Commit).Add("tvm-ffi", lockFile.TvmFfi.Version).Add("mlc-commit", lockFile.MlcLlm.Commit);

    public static string For(ToolchainLocations locations, ToolchainLock lockFile, HostPlatform host, IReadOnlyDictionary<string, string> environment) =>
        Describe(locations, lockFile, host, environment).Build();

    public static KeyBuilder Describe(ToolchainLocations locations, ToolchainLock lockFile, HostPlatform host, IReadOnlyDictionary<string, string> environment)
    {
        var key = AddPins(new KeyBuilder().Add("key-version", 1), lockFile).Add("abi", lockFile.AbiProfile);
        if (locations.Python is { } python)
        {
            key.Add("python", python.Path).Add("python-binary", Stamp(ResolveLink(python.Path)));
            foreach (var site in VenvSitePackages(python.Path)) key.Add("site:" + site, Listing(site));
        }
        var env = ToolchainEnvironment.For(locations, lockFile, host, environment);
        if (env.TryGetValue("PYTHONPATH", out var pythonPath))
            foreach (var dir in pythonPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                key.Add("pythonpath:" + dir, Listing(dir));
        if (locations.TvmBuildDir is { } build)
            foreach (var stem in new[] { "tvm", "tvm_runtime" })
                key.Add("lib" + stem, Stamp(Path.Combine(build.Path, host.SharedLibraryName(stem))));
        if (locations.TvmSourceDir is { } tvm) key.Add("tvm-source", tvm.Path).Add("tvm-head", GitCheckout.HeadCommit(tvm.Path) ?? "unknown");
        if (locations.MlcLlmDir is { } mlc) key.Add("mlc-llm", mlc.Path).Add("mlc-head", GitCheckout.HeadCommit(mlc.Path) ?? "unknown");
        if (locations.LlvmConfig is { } llvm) key.Add("llvm-config", Stamp(ResolveLink(llvm.Path)));
        if (locations.NdkDir is { } ndk) key.Add("ndk", ndk.Path).Add("ndk-source-properties", Stamp(Path.Combine(ndk.Path, "source.properties")));
        // The runtime is a set (files or a folder): every member counts.
        foreach (var runtime in locations.AvaRuntime)
            key.Add("ava-runtime:" + runtime.Path, Directory.Exists(runtime.Path) ? Listing(runtime.Path) : Stamp(runtime.Path));
        return key;
    }

    /// <summary>A file's size and modification time, or "missing".</summary>
    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{path}:{info.Length}:{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}" : $"{path}:missing";
    }

    /// <summary>Each entry of a folder with its modification time: what pip changes when it adds, removes or rewrites a package.</summary>
    private static string Listing(string directory)
    {
        if (!Directory.Exists(directory)) return "missing";
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => e.Name != "__pycache__")
            .Select(e => $"{e.Name}@{e.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}")
            .Order(StringComparer.Ordinal);
        return string.Join("|", entries);
    }

    /// <summary>A venv's <c>lib/python3.*/site-packages</c> (the interpreter is <c>&lt;venv&gt;/bin/python3</c>).</summary>
    private static IEnumerable<string> VenvSitePackages(string python)
    {
        var venv = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(python)));
        var lib = venv is null ? null : Path.Combine(venv, "lib");
        if (lib is null || !Directory.Exists(lib) || !File.Exists(Path.Combine(venv!, "pyvenv.cfg")) && !Directory.EnumerateDirectories(lib, "python3*").Any())
            return [];
        return Directory.EnumerateDirectories(lib, "python3*").Select(d => Path.Combine(d, "site-packages")).Where(Directory.Exists).Order(StringComparer.Ordinal);
    }

    private static string ResolveLink(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
