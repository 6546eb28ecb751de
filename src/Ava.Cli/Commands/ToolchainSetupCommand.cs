using Ava.Compiler.Processes;
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
            OptionSpec.Repeatable("--only", "STEP", "Run only this step (repeatable); the Dockerfile uses it to cache each stage."),
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
                JsonOutput.Write(context.Out, new { ok = true, prefix, abiProfile = lockFile.AbiProfile, host = host.Name, requiredPrograms = Needed(steps), steps = plan });
            else
            {
                context.Human.MarkupLine($"[bold]Plan[/] for {Markup.Escape(prefix)} ({Markup.Escape(host.Name)}, lock {Markup.Escape(lockFile.AbiProfile)}). Needs: {Markup.Escape(string.Join(", ", Needed(steps)))}.");
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
        Preflight(pending, resolver, options);
        if (pending.Any(s => s.Id == "tvm-configure"))
            await RequireLlvmAsync(options.LlvmConfig, lockFile, cancellationToken);
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

    /// <summary>TVM configured with another LLVM would only be caught by doctor after hours of building.</summary>
    private static async Task RequireLlvmAsync(string llvmConfig, ToolchainLock lockFile, CancellationToken cancellationToken)
    {
        var run = await ToolRun.RunAsync(llvmConfig, ["--version"], TimeSpan.FromSeconds(15), cancellationToken);
        var version = run.StandardOutput.Trim();
        if (run.Succeeded && version.Split('.')[0] == lockFile.Llvm.Major.ToString(System.Globalization.CultureInfo.InvariantCulture)) return;
        throw new ToolchainMissingException(
            $"TVM must be configured with LLVM {lockFile.Llvm.Major}, but {llvmConfig} {(run.Succeeded ? $"is LLVM {version}" : $"failed: {run.FailureLine}")}.",
            $"Install LLVM {lockFile.Llvm.Major} (apt-get install llvm-{lockFile.Llvm.Major}-dev, or brew install llvm@{lockFile.Llvm.Major}) and pass --llvm-config <its llvm-config>.");
    }

    private static IReadOnlyList<string> Needed(IReadOnlyList<SetupStep> steps)
    {
        var direct = SetupPlan.RequiredPrograms(steps);
        var builds = steps.Any(s => s.Id is "tvm-build" or "mlc-build") ? SetupPlan.IndirectPrograms.Keys : [];
        return direct.Concat(builds).Distinct().ToList();
    }

    /// <summary>Names every missing program at once, before hours of building stop at the first.</summary>
    private static void Preflight(IReadOnlyList<SetupStep> pending, ToolchainLocationsResolver resolver, SetupOptions options)
    {
        bool Present(string program) => Path.IsPathRooted(program) ? File.Exists(program) : resolver.OnPath(program).Any();
        var missing = Needed(pending).Where(p => !Present(p)).ToList();
        if (pending.Any(s => s.Id == "tvm-configure") && !Present(options.LlvmConfig) && !missing.Contains(options.LlvmConfig))
            missing.Add(options.LlvmConfig);
        if (missing.Count == 0) return;
        var why = missing.Select(m => SetupPlan.IndirectPrograms.TryGetValue(m, out var r) ? $"{m} ({r})" : m);
        throw new ToolchainMissingException($"alc toolchain setup needs programs that are not installed: {string.Join(", ", why)}.",
            options.Host.Os == HostOs.MacOs
                ? "Install them (xcode-select --install; brew install cmake llvm@15 rust python), pass --llvm-config for LLVM 15, and run the command again."
                : "Install them (e.g. sudo apt-get install git cmake g++ llvm-15-dev cargo python3-venv curl unzip), pass --llvm-config for LLVM 15, and run the command again.");
    }
}
