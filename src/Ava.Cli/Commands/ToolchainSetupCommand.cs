using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Setup;
using Spectre.Console;

namespace Ava.Cli.Commands;

public sealed class ToolchainSetupCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("toolchain setup", "Build the locked TVM v0.22.0 + tvm-ffi 0.1.0 + MLC-LLM toolchain into a prefix, then run doctor.")
    {
        Options =
        [
            OptionSpec.Value("--prefix", "DIR", "Where to build (default ~/.local/share/alc/toolchain, or ALC_TOOLCHAIN_PREFIX)."),
            OptionSpec.Flag("--plan", "Print the steps and the exact commands without running anything."),
            OptionSpec.Value("--jobs", "N", "Parallel build jobs (default: the number of processors)."),
            OptionSpec.Repeatable("--only", "STEP", "Run only this step (repeatable); the Dockerfile uses it to cache each stage.").OneOf([.. SetupPlan.AllStepIds(ToolchainLock.Default)]),
            .. ToolchainOptions.Options.Where(o => o.Name is "--python" or "--llvm-config" or "--ndk" or "--toolchain-config"),
        ],
        Details = "Steps are resumable: a step whose result is in place (and whose commands did not change) is skipped, so rerun after a failure.\n" +
                  "Logs: <prefix>/.alc-setup/logs/<step>.log. --python names the interpreter the venv is created from.\n" +
                  "Needs git, cmake, a C++ compiler, Rust (cargo), Python ≥ 3.9 with venv, and LLVM 15 (llvm-config).",
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var lockFile = ToolchainLock.Default;
        var resolver = ToolchainOptions.Resolver(context);
        // The base interpreter is not resolved like doctor's --python (that one is the toolchain's own venv).
        var locations = resolver.Resolve(ToolchainOptions.Read(input, "--prefix") with { Python = null });
        var prefix = locations.Prefix!.Path;
        var host = HostPlatform.Current;

        var options = new SetupOptions(prefix)
            .WithHost(host)
            .WithLlvmConfig(locations.LlvmConfig?.Path ?? $"llvm-config-{lockFile.Llvm.Major}")
            .WithBasePython(input.Value("--python") is { } p ? context.ResolvePath(p) : resolver.OnPath("python3").FirstOrDefault() ?? "python3")
            .WithExistingNdk(locations.NdkDir is { } ndk && File.Exists(Path.Combine(ndk.Path, "source.properties")) ? ndk.Path : null)
            .WithUserConfigPath(prefix == resolver.DefaultPrefix() ? null : resolver.UserConfigPath());
        if (input.Int("--jobs", 1, 512) is { } jobs) options = options.WithJobs(jobs);

        var steps = SetupPlan.For(lockFile, options);
        var only = input.Values("--only");
        if (only.Count > 0)
        {
            var unknown = only.Where(o => steps.All(s => s.Id != o)).ToList();
            if (unknown.Count > 0)
                throw new BadInputException($"--only {string.Join(", ", unknown)}: no such setup step.", $"Use one of: {string.Join(", ", steps.Select(s => s.Id))}.");
            steps = steps.Where(s => only.Contains(s.Id)).ToList();
        }
        var runner = new SetupRunner(options.StateDir, context.CreateReporter(), context.Environment);

        if (input.Flag("--plan"))
        {
            var plan = steps.Select(s => new
            {
                id = s.Id, title = s.Title, done = runner.IsDone(s),
                commands = s.Action switch
                {
                    SetupAction.RecordPrefix => [$"record {{\"prefix\": \"{prefix}\"}} in {options.UserConfigPath}"],
                    SetupAction.Doctor => [$"alc doctor --toolchain-prefix {SetupCommand.ShellQuote(prefix)}"],
                    _ => s.Commands.Select(c => c.Display).ToArray(),
                },
            }).ToList();
            if (input.Json)
                JsonOutput.Write(context.Out, new { ok = true, prefix, abiProfile = lockFile.AbiProfile, host = host.Name, requiredPrograms = SetupPreflight.RequiredPrograms(steps), steps = plan });
            else
            {
                context.Human.MarkupLine($"[bold]Plan[/] for {Markup.Escape(prefix)} ({Markup.Escape(host.Name)}, lock {Markup.Escape(lockFile.AbiProfile)}). Needs: {Markup.Escape(string.Join(", ", SetupPreflight.RequiredPrograms(steps)))}.");
                for (var i = 0; i < plan.Count; i++)
                {
                    context.Human.MarkupLine($"{i + 1}. [bold]{Markup.Escape(plan[i].id)}[/]: {Markup.Escape(plan[i].title)}{(plan[i].done ? " [green](done; will be skipped)[/]" : "")}");
                    // Plain writes: Spectre would wrap long commands and break copy-paste.
                    foreach (var c in plan[i].commands) context.Err.WriteLine("     " + c);
                }
            }
            return 0;
        }

        var pending = steps.Where(s => !runner.IsDone(s)).ToList();
        await SetupPreflight.CheckAsync(pending, resolver, options, lockFile, cancellationToken);
        DoctorReport? report = null;
        var results = await runner.RunAsync(steps, async (step, ct) =>
        {
            if (step.Action == SetupAction.RecordPrefix)
            {
                ToolchainConfigFile.RecordPrefix(options.UserConfigPath!, prefix);
                context.Human.MarkupLine($"recorded the prefix in {Markup.Escape(options.UserConfigPath!)}");
            }
            else if (step.Action == SetupAction.Doctor)
            {
                var built = resolver.Resolve(ToolchainOverrides.None with { Prefix = prefix });
                report = await Doctor.RunAsync(built, DoctorScope.Full, ToolchainOptions.DoctorOptions(context), ct);
                foreach (var c in report.Checks.Where(c => c.Status is CheckStatus.Fail or CheckStatus.Warn))
                    context.Human.MarkupLine($"  {Markup.Escape(c.Title)}: {Markup.Escape(c.Found)} (expected {Markup.Escape(c.Expected)})");
                report.ThrowIfNotOk();
            }
        }, cancellationToken);

        if (input.Json)
            JsonOutput.Write(context.Out, new
            {
                ok = true, exitCode = 0, prefix,
                steps = results.Select(r => new { id = r.Id, outcome = r.Outcome, log = r.LogPath, seconds = Math.Round(r.Elapsed.TotalSeconds, 1) }),
            });
        context.Human.MarkupLine(report is null
            ? $"[green]Steps finished[/] in {Markup.Escape(prefix)}."
            : $"[green]Toolchain ready[/] in {Markup.Escape(prefix)}; alc doctor passed.");
        return 0;
    }
}
