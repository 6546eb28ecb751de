using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Cli.Commands;

public sealed class DoctorCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("doctor", "Check the TVM v0.22.0 + tvm-ffi 0.1.0 + MLC-LLM + LLVM 15 + NDK 27 toolchain against the lock.")
    {
        Options = [OptionSpec.Flag("--fast", "Only the subset 'alc compile' runs first (skips importing mlc_llm and reading symbol tables)."), .. ToolchainOptions.Options],
        Environment = [.. EnvironmentHelp.Toolchain, .. EnvironmentHelp.Console],
        Details = "Every check names what it found, what toolchain.lock.json expects, and the fix. Exit 3 when a required check fails.\n" +
                  "Locations come from the flags, ALC_* variables, ./alc.toolchain.json, ~/.config/alc/toolchain.json, the upstream variables " +
                  "(TVM_SOURCE_DIR, MLC_LLM_SOURCE_DIR, ANDROID_NDK_HOME...) and a search of the usual places.",
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var locations = ToolchainOptions.Resolve(input, context);
        var scope = input.Flag("--fast") ? DoctorScope.Compile : DoctorScope.Full;
        var options = ToolchainOptions.DoctorOptions(context);
        var report = await Doctor.RunAsync(locations, scope, options, cancellationToken);
        var exit = report.Ok ? ExitCode.Ok : ExitCode.ToolchainMissing;

        if (input.Json)
            JsonOutput.Write(context.Out, ToJson(report, options.Lock, exit));
        DoctorView.Render(context.Screen, report.Checks, onlyProblems: false);
        return (int)exit;
    }

    private static object ToJson(DoctorReport report, ToolchainLock lockFile, ExitCode exit) => new
    {
        ok = report.Ok,
        exitCode = (int)exit,
        scope = report.Scope,
        abiProfile = lockFile.AbiProfile,
        locations = report.Locations.All().Where(l => l.Value is not null)
            .ToDictionary(l => l.Name, l => new { path = l.Value!.Path, source = l.Value.Source }),
        checks = report.Checks.Select(c => new { id = c.Id, title = c.Title, status = c.Status, required = c.Required, found = c.Found, expected = c.Expected, fix = c.Fix }),
    };
}
