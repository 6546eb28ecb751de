namespace Ava.Compiler.Toolchain;

/// <summary>
/// The environment variables a process needs to use the located toolchain: what the MLC-LLM driver and the doctor's
/// Python probes pass to <c>python -m mlc_llm ...</c>. Only variables with a known value are set; PYTHONPATH keeps
/// whatever the caller already had, after ours.
/// </summary>
public static class ToolchainEnvironment
{
    /// <param name="inherited">The caller's environment (for PYTHONPATH); may be empty.</param>
    public static IReadOnlyDictionary<string, string> For(ToolchainLocations locations, ToolchainLock lockFile, HostPlatform host,
        IReadOnlyDictionary<string, string>? inherited = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var pythonPath = new List<string>();

        if (locations.TvmSourceDir is { } tvm)
        {
            // TVM's python/ folder on PYTHONPATH is upstream's "Method 1" install; it puts the source tree's tvm
            // ahead of any pip-installed (possibly nightly, older) tvm in site-packages.
            pythonPath.Add(Path.Combine(tvm.Path, "python"));
            env["TVM_SOURCE_DIR"] = tvm.Path;
            env["TVM_HOME"] = tvm.Path;
        }
        if (locations.TvmBuildDir is { } build) env["TVM_LIBRARY_PATH"] = build.Path;
        if (locations.MlcLlmDir is { } mlc)
        {
            pythonPath.Add(Path.Combine(mlc.Path, "python"));
            env["MLC_LLM_SOURCE_DIR"] = mlc.Path;
            env["MLC_LIBRARY_PATH"] = Path.Combine(mlc.Path, "build");
        }
        if (locations.NdkDir is { } ndk)
        {
            env["ANDROID_NDK"] = ndk.Path;
            env["TVM_NDK_CC"] = locations.NdkClang(lockFile, host)!;
        }

        if (inherited is not null && inherited.TryGetValue("PYTHONPATH", out var existing) && existing.Length > 0)
            pythonPath.AddRange(existing.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (pythonPath.Count > 0) env["PYTHONPATH"] = string.Join(Path.PathSeparator, pythonPath.Distinct(StringComparer.Ordinal));
        return env;
    }
}
