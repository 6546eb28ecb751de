using System.Text.RegularExpressions;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Doctor.Checks;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// Turns a failed MLC-LLM step into the fault and its fix, from the last Python error line of the step's log. Each
/// rule names the upstream source of the error it recognises; anything else falls back to the import-error fixes
/// doctor uses (<see cref="Fixes.ForPythonError"/>).
/// </summary>
public static partial class SmokeDiagnosis
{
    /// <summary>The last line of a log that looks like a Python exception (<c>SomeError: message</c>), else the last non-empty line.</summary>
    public static string? LastErrorLine(IEnumerable<string> logLines)
    {
        string? lastException = null, lastLine = null;
        foreach (var raw in logLines)
        {
            var line = raw.Trim().TrimStart('│').Trim();
            if (line.Length == 0 || line.StartsWith("# exit ", StringComparison.Ordinal) || line.StartsWith("$ ", StringComparison.Ordinal)) continue;
            lastLine = line;
            if (ExceptionLine().IsMatch(line)) lastException = line;
        }
        return lastException ?? lastLine;
    }

    public static (string Fault, string Fix) Diagnose(string step, string? errorLine, DoctorContext context)
    {
        var line = errorLine ?? "";
        var lockFile = context.Lock;
        var mlc = context.Locations.MlcLlmDir?.Path ?? "<mlc-llm>";

        // ModuleNotFoundError for a package of the lock: torch/safetensors/ml_dtypes at convert_weight
        // (mlc_llm/loader/utils.py:55-66), fastapi & co. at `import mlc_llm`.
        if (MissingModule().Match(line) is { Success: true } missing)
        {
            var module = missing.Groups["m"].Value.Split('.')[0];
            if (lockFile.Python.ForModule(module) is { } package)
                return ($"the Python package '{module}' is missing from the toolchain's interpreter; {step} needs it ({package.Phase}: {package.Reason})",
                    PythonPackagesCheck.Install(context, [package]));
        }

        // MLC-LLM code newer than TVM v0.22: from mlc-ai/mlc-llm@6474f7db on, support/auto_target.py:9 does
        // `from tvm.support import ndk, tar, xcode`; in v0.22 tvm.support is a single module (python/tvm/support.py), so
        // Python raises "cannot import name 'ndk' from 'tvm.support'". Likewise any name TVM v0.22 lacks.
        if (TvmNameMissing().IsMatch(line))
        {
            var head = GitCheckout.HeadCommit(mlc) ?? "unknown";
            return ($"the MLC-LLM checkout ({mlc}, at {head[..Math.Min(12, head.Length)]}) expects another TVM: its code imports a name TVM v{lockFile.Tvm.Version} does not have",
                $"Check out the pinned MLC-LLM commit and rebuild its library: 'git -C {mlc} checkout {lockFile.MlcLlm.Commit} && git -C {mlc} submodule update --init --recursive', then rebuild {mlc}/build against TVM v{lockFile.Tvm.Version}, {Fixes.Setup}.");
        }

        // TVM's LLVM cannot target AArch64: apache/tvm@9dbf3f22 src/target/llvm/llvm_instance.cc:417-419 checks
        // llvm::TargetRegistry::lookupTarget ("No available targets are compatible with triple ..."); other LLVM
        // failures print "LLVM ERROR:" from LLVM itself.
        if (line.Contains("No available targets are compatible with triple", StringComparison.Ordinal)
            || line.Contains("LLVM instance error", StringComparison.Ordinal)
            || line.Contains("LLVM ERROR", StringComparison.Ordinal))
            return ($"TVM's built-in LLVM cannot generate code for {lockFile.AndroidNdk.TargetTriple} (mlc_llm compile --device android needs the AArch64 backend)",
                $"Rebuild TVM with USE_LLVM pointing at an LLVM {lockFile.Llvm.Major} whose 'llvm-config --targets-built' lists {string.Join(", ", lockFile.Llvm.RequiredTargets)} " +
                $"('set(USE_LLVM \"llvm-config-{lockFile.Llvm.Major} --link-static\")' in {context.Locations.TvmBuildDir?.Path ?? "<tvm>/build"}/config.cmake, then 'cmake --build . --parallel'), {Fixes.Setup}.");

        // libtvm loaded against another tvm-ffi: the dynamic loader reports an undefined symbol when `import tvm`
        // loads libtvm (apache/tvm@9dbf3f22 python/tvm/base.py:46 ctypes.CDLL), the form of apache/tvm-ffi#307.
        if (line.Contains("undefined symbol", StringComparison.Ordinal) || line.Contains("Symbol not found", StringComparison.Ordinal))
            return ($"libtvm does not load with the installed tvm-ffi (an undefined symbol): TVM v{lockFile.Tvm.Version} needs {lockFile.TvmFfi.Package} {lockFile.TvmFfi.Version}",
                Fixes.InstallTvmFfi(context));

        return ($"mlc_llm {step} failed" + (line.Length > 0 ? $": {line}" : ""), Fixes.ForPythonError(line, context));
    }

    [GeneratedRegex(@"^([A-Za-z_][\w.]*\.)?[A-Z]\w*(Error|Exception|Exit|Warning|Interrupt)\b(:|$)")]
    private static partial Regex ExceptionLine();

    [GeneratedRegex(@"No module named '(?<m>[^']+)'")]
    private static partial Regex MissingModule();

    [GeneratedRegex(@"(cannot import name '[^']+' from 'tvm[.'])|(No module named 'tvm\.[^']+')|(module 'tvm[^']*' has no attribute)")]
    private static partial Regex TvmNameMissing();
}
