using Ava.Compiler.Errors;
using Ava.Compiler.Processes;
using System.Globalization;

namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>LLVM 15's llvm-config answers, and its LLVM can generate AArch64 code (the Android host code).</summary>
public sealed class LlvmCheck : DoctorCheck
{
    public override string Id => "llvm";

    public override string Title => "LLVM";

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var pin = c.Lock.Llvm;
        var expected = $"LLVM {pin.Major} with targets {string.Join(", ", pin.RequiredTargets)}";
        var install = c.Host.Os == HostOs.MacOs ? $"'brew install llvm@{pin.Major}'" : $"'sudo apt-get install llvm-{pin.Major}-dev' (or the apt.llvm.org packages)";
        var configure = $"Install LLVM {pin.Major} with {install}, then pass its llvm-config{Remedy.Of(UserInput.LlvmConfig)} or set ALC_LLVM_CONFIG / ALC_LLVM_PREFIX";
        if (c.Locations.LlvmConfig is not { } config)
            return Fail($"no llvm-config found (looked for llvm-config-{pin.Major}, /usr/lib/llvm-{pin.Major}, Homebrew llvm@{pin.Major}, PATH)", expected, configure + ".");
        if (!File.Exists(config.Path))
            return Fail($"{config.Path} does not exist (from {config.Source})", expected, configure + ".");

        var version = await ToolRun.RunAsync(config.Path, ["--version"], c.Options.ToolTimeout, cancellationToken);
        if (!version.Succeeded)
            return Fail($"{config.Path} --version failed: {version.FailureLine}", expected, configure + ".");
        var v = version.StandardOutput.Trim();
        var found = $"LLVM {v} at {config.Path}";
        if (v.Split('.')[0] != pin.Major.ToString(CultureInfo.InvariantCulture))
            return Fail(found, expected, configure + $"; TVM v{c.Lock.Tvm.Version} is locked to LLVM {pin.Major}.");

        var targets = await ToolRun.RunAsync(config.Path, ["--targets-built"], c.Options.ToolTimeout, cancellationToken);
        var built = targets.StandardOutput.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var missing = pin.RequiredTargets.Where(t => !built.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        if (!targets.Succeeded || missing.Count > 0)
            return Fail(found + $" without {string.Join(", ", missing.DefaultIfEmpty("a target list"))}", expected,
                $"Use an LLVM {pin.Major} build that includes the {string.Join(", ", pin.RequiredTargets)} backend (distribution packages do).");
        return Pass(found + $" ({string.Join(", ", pin.RequiredTargets)})", expected);
    }
}
