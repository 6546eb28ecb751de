using Ava.Compiler.Errors;
namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>The fix commands the checks print, in one place so they stay consistent with setup.</summary>
internal static class Fixes
{
    public const string Setup = "or run 'alc toolchain setup' to build the locked toolchain";

    public static string TvmFfiSubmodule(DoctorContext c) =>
        c.Locations.TvmSourceDir is { } tvm ? Path.Combine(tvm.Path, c.Lock.TvmFfi.SourceSubdirectory) : $"<tvm v{c.Lock.Tvm.Version}>/{c.Lock.TvmFfi.SourceSubdirectory}";

    /// <summary>Rebuilds tvm-ffi from TVM's submodule; pip's build isolation brings scikit-build-core and Cython, which build the core extension.</summary>
    public static string InstallTvmFfi(DoctorContext c) =>
        $"Install {c.Lock.TvmFfi.Package} {c.Lock.TvmFfi.Version} from TVM's submodule so its Cython core and libtvm_ffi_testing are built: " +
        $"'{c.PythonCommand} -m pip uninstall -y {c.Lock.TvmFfi.Package} && {c.PythonCommand} -m pip install --no-deps --force-reinstall {TvmFfiSubmodule(c)}' " +
        $"(needs CMake and a C++ compiler; never the newest release from PyPI, it is ABI-incompatible with TVM v{c.Lock.Tvm.Version}), {Setup}.";

    public static string UseLockedTvm(DoctorContext c) =>
        $"Point alc at a TVM v{c.Lock.Tvm.Version} build (commit {c.Lock.Tvm.Commit[..8]}): pass the TVM checkout{Remedy.Of(UserInput.TvmSource)} (and its build folder{Remedy.Of(UserInput.TvmBuild)} if it is not <checkout>/build), " +
        $"and remove pip TVM packages that shadow it ('{c.PythonCommand} -m pip uninstall -y tvm mlc-ai-nightly mlc-ai-nightly-cpu'), {Setup}.";

    public static string BuildTvm(DoctorContext c) =>
        $"Build libtvm and libtvm_runtime ('cmake --build {c.Locations.TvmBuildDir?.Path ?? "<tvm>/build"} --parallel') or pass the folder that holds them as the TVM build folder{Remedy.Of(UserInput.TvmBuild)} (or TVM_LIBRARY_PATH), {Setup}.";

    /// <summary>Maps the last line of a Python import error to the fix that removes it.</summary>
    public static string ForPythonError(string error, DoctorContext c)
    {
        if (error.Contains("cannot import name 'core'", StringComparison.Ordinal)
            || error.Contains("No module named 'tvm_ffi'", StringComparison.Ordinal)
            || error.Contains("libtvm_ffi_testing", StringComparison.Ordinal)
            || error.Contains("Cannot find library: libtvm_ffi", StringComparison.Ordinal))
            return InstallTvmFfi(c);
        if (error.Contains("undefined symbol", StringComparison.Ordinal) || error.Contains("Symbol not found", StringComparison.Ordinal))
            return $"libtvm and tvm-ffi come from different versions (an undefined symbol at load time). " + InstallTvmFfi(c) + " Then rebuild TVM against it if the error stays.";
        if (error.Contains("No module named 'tvm'", StringComparison.Ordinal))
            return UseLockedTvm(c);
        if (error.Contains("Cannot find libraries", StringComparison.Ordinal) && error.Contains("mlc_llm", StringComparison.Ordinal))
            return $"Build MLC-LLM's libmlc_llm_module in {c.Locations.MlcLlmDir?.Path ?? "<mlc-llm>"}/build against TVM v{c.Lock.Tvm.Version} (TVM_SOURCE_DIR set to the TVM checkout), or point MLC_LIBRARY_PATH at it, {Setup}.";
        if (error.Contains("Cannot find library", StringComparison.Ordinal) || error.Contains("libtvm", StringComparison.Ordinal))
            return BuildTvm(c);
        if (error.Contains("No module named 'mlc_llm'", StringComparison.Ordinal))
            return $"Pass a checkout of mlc-ai/mlc-llm at {c.Lock.MlcLlm.Commit[..8]}{Remedy.Of(UserInput.MlcLlm)} (its python/ folder is put on PYTHONPATH), {Setup}.";
        if (error.StartsWith("ModuleNotFoundError", StringComparison.Ordinal))
            return $"Install the missing Python package into {c.PythonCommand} (MLC-LLM's requirements are listed in toolchain.lock.json), {Setup}.";
        if (error.Contains("did not answer within", StringComparison.Ordinal))
            return "Run the interpreter by hand to see where it hangs; a network file system or a first-time import can be slow.";
        return $"Run '{c.PythonCommand}' by hand with the same import to see the full error, {Setup}.";
    }
}
