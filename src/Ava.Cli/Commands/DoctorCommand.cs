using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Smoke;
using Spectre.Console;

namespace Ava.Cli.Commands;

public sealed class DoctorCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("doctor", "Check the TVM v0.22.0 + tvm-ffi 0.1.0 + MLC-LLM + LLVM 15 + NDK 27 toolchain against the lock.")
    {
        Options =
        [
            OptionSpec.Flag("--fast", "Only the subset 'alc compile' runs first (skips importing mlc_llm and reading symbol tables)."),
            OptionSpec.Flag("--smoke", "Also compile a tiny 2-layer Gemma 3 model with the toolchain (convert_weight, gen_config, compile --device android, verify); nothing is downloaded."),
            .. ToolchainOptions.Options,
        ],
        Details = "Every check names what it found, what toolchain.lock.json expects, and the fix. Exit 3 when a required check fails.\n" +
                  "--smoke: exit 3 when an MLC-LLM step fails (the fault and its fix come from its last Python error line), 1 when the library it compiled fails verification. " +
                  "The result is cached per toolchain (a changed toolchain runs it again); without --smoke the last result for this toolchain is shown.\n" +
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

        var smoke = new SmokeView(ToolchainSmoke.Cached(locations, options), Cached: true, SkipReason: null);
        if (input.Flag("--smoke"))
        {
            if (locations.Python is null || locations.MlcLlmDir is null)
                smoke = new SmokeView(null, false, $"no {(locations.Python is null ? "Python interpreter" : "MLC-LLM checkout")} is located, so nothing can run");
            else
            {
                var result = await ToolchainSmoke.RunAsync(locations, options, null, context.CreateReporter(), cancellationToken);
                smoke = new SmokeView(result, false, null);
                if (exit == ExitCode.Ok) exit = result.ExitCode;
            }
            if (smoke.Result is null && exit == ExitCode.Ok) exit = ExitCode.ToolchainMissing;
        }

        if (input.Json)
            JsonOutput.Write(context.Out, ToJson(report, options.Lock, exit, smoke));
        Render(context.Human, report, smoke);
        return (int)exit;
    }

    /// <summary>The smoke result doctor shows: one it just ran, the cached one for this toolchain, or why it could not run.</summary>
    private sealed record SmokeView(SmokeResult? Result, bool Cached, string? SkipReason);

    private static object ToJson(DoctorReport report, ToolchainLock lockFile, ExitCode exit, SmokeView smoke) => new
    {
        ok = report.Ok,
        exitCode = (int)exit,
        scope = report.Scope,
        abiProfile = lockFile.AbiProfile,
        locations = report.Locations.All().Where(l => l.Value is not null)
            .ToDictionary(l => l.Name, l => new { path = l.Value!.Path, source = l.Value.Source }),
        checks = report.Checks.Select(c => new { id = c.Id, title = c.Title, status = c.Status, required = c.Required, found = c.Found, expected = c.Expected, fix = c.Fix }),
        smoke = smoke.Result is null && smoke.SkipReason is null ? null : new { cached = smoke.Cached, skipped = smoke.SkipReason, result = smoke.Result },
    };

    private static void Render(IAnsiConsole console, DoctorReport report, SmokeView smoke)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Check").AddColumn("Status").AddColumn("Found").AddColumn("Expected").AddColumn("Fix");
        foreach (var c in report.Checks)
        {
            var status = c.Status switch
            {
                CheckStatus.Pass => "[green]ok[/]",
                CheckStatus.Warn => "[yellow]warn[/]",
                CheckStatus.Fail => c.Required ? "[red]FAIL[/]" : "[yellow]fail (optional)[/]",
                _ => "[grey]skipped[/]",
            };
            table.AddRow(Markup.Escape(c.Title), status, Markup.Escape(c.Found), Markup.Escape(c.Expected), Markup.Escape(c.Fix ?? ""));
        }
        console.Write(table);
        RenderSmoke(console, smoke);
        var failed = report.Failures.Count();
        if (failed == 0 && !smoke.Cached && smoke.Result is { Passed: false })
        {
            console.MarkupLine("[red]The checks pass, but the toolchain cannot compile the smoke model.[/] Apply the fix above.");
            return;
        }
        console.MarkupLine(failed == 0
            ? $"[green]The toolchain matches the lock[/] ({report.Checks.Count(c => c.Status == CheckStatus.Pass)} checks passed{Warnings(report)})."
            : $"[red]{failed} required check(s) failed.[/] Apply the fixes above, or run 'alc toolchain setup'.");
    }

    private static void RenderSmoke(IAnsiConsole console, SmokeView smoke)
    {
        if (smoke.SkipReason is { } reason)
        {
            console.MarkupLine($"[red]smoke compile: not run[/] — {Markup.Escape(reason)}. Fix the checks above, then run 'alc doctor --smoke'.");
            return;
        }
        if (smoke.Result is not { } r)
        {
            console.MarkupLine("[grey]smoke compile: not run for this toolchain yet[/] ('alc doctor --smoke' compiles a tiny model with it in about a minute).");
            return;
        }
        if (r.Passed)
        {
            console.MarkupLine($"[green]smoke compile: {Markup.Escape(r.Summary(smoke.Cached))}[/] — {Markup.Escape(string.Join(", ", r.Steps.Select(s => $"{s.Name} {s.Seconds:0.0} s")))}; " +
                               $"library {Markup.Escape(r.Generation ?? "?")}, model_lib {Markup.Escape(r.ModelLib ?? "?")}; link proof {Markup.Escape(r.LinkProof ?? "?")}");
            return;
        }
        console.MarkupLine($"[red]smoke compile: {Markup.Escape(r.Summary(smoke.Cached))}[/]");
        if (r.ErrorLine is not null) console.MarkupLine($"  last error: {Markup.Escape(r.ErrorLine)}");
        console.MarkupLine($"  fix: {Markup.Escape(r.Fix ?? "")}");
        if (r.LogPath is not null) console.MarkupLine($"  log: {Markup.Escape(r.LogPath)}");
    }

    private static string Warnings(DoctorReport report) =>
        report.Checks.Count(c => c.Status == CheckStatus.Warn) is var w and > 0 ? $", {w} warning(s)" : "";
}
