using Ava.Compiler.Errors;
using Ava.Compiler.Processes;

namespace Ava.Compiler.Toolchain.Setup;

/// <summary>
/// What <c>alc toolchain setup</c> checks before it starts hours of building: every program the pending steps need
/// (named all at once, not one failure at a time), and that the llvm-config TVM is configured with is the locked LLVM
/// major (another LLVM would only be caught by doctor after the build).
/// </summary>
public static class SetupPreflight
{
    /// <summary>The programs <paramref name="steps"/> run, plus those their builds call (compiler, cargo, ...).</summary>
    public static IReadOnlyList<string> RequiredPrograms(IReadOnlyList<SetupStep> steps)
    {
        var direct = SetupPlan.RequiredPrograms(steps);
        var builds = steps.Any(s => s.Id is "tvm-build" or "mlc-build") ? SetupPlan.IndirectPrograms.Keys : [];
        return direct.Concat(builds).Distinct().ToList();
    }

    /// <summary>Both checks for the steps still to run; throws <see cref="ToolchainMissingException"/> (exit 3).</summary>
    public static async Task CheckAsync(IReadOnlyList<SetupStep> pending, ToolchainLocationsResolver resolver, SetupOptions options,
        ToolchainLock lockFile, CancellationToken cancellationToken)
    {
        CheckPrograms(pending, resolver, options);
        if (pending.Any(s => s.Id == "tvm-configure"))
            await RequireLlvmAsync(options.LlvmConfig, lockFile, cancellationToken);
    }

    /// <summary>Names every missing program at once, before hours of building stop at the first.</summary>
    public static void CheckPrograms(IReadOnlyList<SetupStep> pending, ToolchainLocationsResolver resolver, SetupOptions options)
    {
        bool Present(string program) => Path.IsPathRooted(program) ? File.Exists(program) : resolver.OnPath(program).Any();
        var missing = RequiredPrograms(pending).Where(p => !Present(p)).ToList();
        if (pending.Any(s => s.Id == "tvm-configure") && !Present(options.LlvmConfig) && !missing.Contains(options.LlvmConfig))
            missing.Add(options.LlvmConfig);
        if (missing.Count == 0) return;
        var why = missing.Select(m => SetupPlan.IndirectPrograms.TryGetValue(m, out var r) ? $"{m} ({r})" : m);
        throw new ToolchainMissingException($"alc toolchain setup needs programs that are not installed: {string.Join(", ", why)}.",
            options.Host.Os == HostOs.MacOs
                ? $"Install them (xcode-select --install; brew install cmake llvm@15 rust python), pass LLVM 15's llvm-config{Remedy.Of(UserInput.LlvmConfig)}, and run the command again."
                : $"Install them (e.g. sudo apt-get install git cmake g++ llvm-15-dev cargo python3-venv curl unzip), pass LLVM 15's llvm-config{Remedy.Of(UserInput.LlvmConfig)}, and run the command again.");
    }

    /// <summary>TVM configured with another LLVM would only be caught by doctor after hours of building.</summary>
    public static async Task RequireLlvmAsync(string llvmConfig, ToolchainLock lockFile, CancellationToken cancellationToken)
    {
        var run = await ToolRun.RunAsync(llvmConfig, ["--version"], TimeSpan.FromSeconds(15), cancellationToken);
        var version = run.StandardOutput.Trim();
        if (run.Succeeded && version.Split('.')[0] == lockFile.Llvm.Major.ToString(System.Globalization.CultureInfo.InvariantCulture)) return;
        throw new ToolchainMissingException(
            $"TVM must be configured with LLVM {lockFile.Llvm.Major}, but {llvmConfig} {(run.Succeeded ? $"is LLVM {version}" : $"failed: {run.FailureLine}")}.",
            $"Install LLVM {lockFile.Llvm.Major} (apt-get install llvm-{lockFile.Llvm.Major}-dev, or brew install llvm@{lockFile.Llvm.Major}) and pass its llvm-config{Remedy.Of(UserInput.LlvmConfig)}.");
    }
}
