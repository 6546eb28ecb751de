using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Smoke;

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
            JsonOutput.Write(context.Out, ToJson(report, options.Lock, exit, smoke, CliInputs.For(Spec)), DoctorJsonContext.Output.DoctorJson);
        DoctorView.Render(context.Screen, report.Checks, CliInputs.For(Spec), onlyProblems: false);
        RenderSmoke(context.Screen, smoke);
        return (int)exit;
    }

    /// <summary>The smoke result doctor shows: one it just ran, the cached one for this toolchain, or why it could not run.</summary>
    private sealed record SmokeView(SmokeResult? Result, bool Cached, string? SkipReason);

    private static DoctorJson ToJson(DoctorReport report, ToolchainLock lockFile, ExitCode exit, SmokeView smoke, Func<UserInput, string?> spell) => new()
    {
        ok = report.Ok,
        exitCode = (int)exit,
        scope = report.Scope,
        abiProfile = lockFile.AbiProfile,
        locations = report.Locations.All().Where(l => l.Value is not null)
            .ToDictionary(l => l.Name, l => new DoctorJson.Location { path = l.Value!.Path, source = l.Value.Source }),
        checks = report.Checks.Select(c => new DoctorJson.Check { id = c.Id, title = c.Title, status = c.Status, required = c.Required, found = c.Found, expected = c.Expected, fix = c.Fix is null ? null : Remedy.Render(c.Fix, spell) }),
        smoke = smoke.Result is null && smoke.SkipReason is null ? null : new DoctorJson.Smoke { cached = smoke.Cached, skipped = smoke.SkipReason, result = smoke.Result },
    };
    private static void RenderSmoke(Screen screen, SmokeView smoke)
    {
        if (smoke.SkipReason is { } reason)
        {
            screen.Prose($"{screen.Red("smoke compile: not run")} — ", $"{reason}. Fix the checks above, then run 'alc doctor --smoke'.");
            return;
        }
        if (smoke.Result is not { } r)
        {
            screen.Prose("smoke compile: ", "not run for this toolchain yet ('alc doctor --smoke' compiles a tiny model with it in about a minute).");
            return;
        }
        if (r.Passed)
        {
            screen.Prose($"{screen.Green("smoke compile: " + r.Summary(smoke.Cached))} — ",
                $"{string.Join(", ", r.Steps.Select(s => $"{s.Name} {s.Seconds:0.0} s"))}; library {r.Generation ?? "?"}, model_lib {r.ModelLib ?? "?"}; link proof {r.LinkProof ?? "?"}");
            return;
        }
        screen.Line(screen.Red("smoke compile: " + r.Summary(smoke.Cached)));
        if (r.ErrorLine is not null) screen.Prose("  last error: ", r.ErrorLine);
        screen.Prose("  fix: ", Remedy.Neutral(r.Fix ?? ""));
        if (r.LogPath is not null) screen.Line($"  log: {r.LogPath}");
    }
}

/// <summary>'alc doctor --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record DoctorJson
{
    public required bool ok { get; init; }
    public required int exitCode { get; init; }
    public required DoctorScope scope { get; init; }
    public required string abiProfile { get; init; }
    public required Dictionary<string, Location> locations { get; init; }
    public required IEnumerable<Check> checks { get; init; }
    public Smoke? smoke { get; init; }

    internal sealed record Location
    {
        public required string path { get; init; }
        public required string source { get; init; }
    }

    internal sealed record Check
    {
        public required string id { get; init; }
        public required string title { get; init; }
        public required CheckStatus status { get; init; }
        public required bool @required { get; init; }
        public required string found { get; init; }
        public required string expected { get; init; }
        public string? fix { get; init; }
    }

    internal sealed record Smoke
    {
        public required bool cached { get; init; }
        public string? skipped { get; init; }
        public SmokeResult? result { get; init; }
    }
}

[JsonSerializable(typeof(DoctorJson))]
internal sealed partial class DoctorJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static DoctorJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
