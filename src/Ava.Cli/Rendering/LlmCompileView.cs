using Ava.Cli.CommandLine;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Compile;
using Ava.Compiler.Pipeline.Llm;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>`alc compile` for llm recipes: shows the plan, or the stage table of a finished compile.</summary>
internal static class LlmCompileView
{
    public static void RenderPlan(CliContext context, LlmPlanned planned, bool json)
    {
        if (json) JsonOutput.Write(context.Out, new LlmPlanJson(true, planned.Plan), PlanJsonContext.Output.LlmPlanJson);
        RenderPlan(context, planned.Plan, planned.Environment, planned.PythonUnknown);
    }

    public static void RenderResult(CliContext context, CompileReport report, Compiler.Toolchain.Smoke.SmokeResult? smoke, bool json)
    {
        var registered = report.Registered!;
        if (json) JsonOutput.Write(context.Out, new { ok = true, report, registry = new { path = registered.Path, change = registered.Change }, smoke });
        RenderResult(context, report);
        context.Human.MarkupLine($"  registry: {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, registered.Path))} ({registered.Change.ToString().ToLowerInvariant()})");
    }

    /// <summary>
    /// The plan on stderr through <see cref="Screen"/>: commands and paths on lines of their own, never wrapped; only the
    /// prose (what an in-process stage does, the notes) wraps on a terminal.
    /// </summary>
    private static void RenderPlan(CliContext context, BuildPlanView plan, IReadOnlyDictionary<string, string> env, bool pythonUnknown)
    {
        var screen = context.Screen;
        screen.Prose(screen.Bold(plan.AvaName) + " ", $"= {plan.Recipe} {plan.Quantization}, system-lib prefix {plan.SystemLibPrefix}; runs nothing.");
        if (plan.Source is { } src)
        {
            if (src.Repo is null) screen.Prose("source: ", $"the local model folder {src.ModelDirectory}");
            else if (src.Commit is null) screen.Prose("source: ", $"{src.Display}, not in the Hub cache yet: the fetch stage resolves the commit and downloads it.");
            else screen.Prose("source: ", $"{src.Display} = commit {src.Commit}, already in the Hub cache at {src.ModelDirectory}");
        }
        if (plan.MemoryPlan is { } m)
            screen.Prose("memory: ", $"context {m.ContextWindowSize}, prefill {m.PrefillChunkSize}; estimated {m.EstimatedVramBytes >> 20} MiB of a " +
                                     $"{m.BudgetBytes >> 20} MiB budget (weights {m.WeightBytes >> 20}, KV cache {m.KvCacheBytes >> 20}, temporaries {m.TemporaryBytes >> 20} MiB).");
        else
            screen.Prose("memory: ", (plan.ContextWindowSize is { } c ? $"context {c}" : "context planned from config.json once it is fetched") +
                                     $", prefill {plan.PrefillChunkSize}; budget {plan.DeviceMemoryMb} MiB.");
        screen.Line();
        screen.Line("stages:");
        var width = plan.Stages.Max(s => s.Name.Length);
        foreach (var s in plan.Stages)
        {
            screen.Prose($"  {s.Name.PadRight(width)}  ", $"{s.Key[..16]}  {(s.UpToDate ? "up to date" : "will run")}" +
                                                      (s.DependsOn.Count == 0 ? "" : $"  (after {string.Join(", ", s.DependsOn)})"));
            if (s.ActionKind == StageActionKind.Tool) screen.Line("    " + s.Action);
            else screen.Prose("    ", s.Action);
        }
        if (pythonUnknown) screen.Prose("note: ", "no Python interpreter is configured; 'python3' is shown ('alc doctor' finds or sets it).");
        if (env.Count > 0)
        {
            screen.Line();
            screen.Line("environment of the MLC-LLM commands:");
            foreach (var (k, v) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal)) screen.Line($"  {k}={v}");
        }
        screen.Line();
        screen.Line("files it writes:");
        foreach (var f in plan.Files)
        {
            screen.Prose("  ", $"{Path.GetFileName(f.Path)} ({f.Stage}): {f.What}");
            screen.Line("    " + f.Path);
        }
    }

    private static void RenderResult(CliContext context, CompileReport report)
    {
        var table = new Table().AddColumns("stage", "status", "time", "peak memory", "summary");
        foreach (var s in report.Stages)
            table.AddRow(s.Name, s.Status == StageStatus.Ran ? "ran" : "up to date", $"{s.WallSeconds:0.00} s",
                s.PeakMemoryBytes > 0 ? $"{s.PeakMemoryBytes >> 20} MiB" : "-", Markup.Escape(s.Summary ?? ""));
        context.Human.Write(table);
        context.Human.MarkupLine($"[green]✓[/] {Markup.Escape(report.AvaName)}: {Markup.Escape(report.Outputs.ModelDirectory)} and {Markup.Escape(report.Outputs.Package)}");
        context.Human.MarkupLine($"  report: {Markup.Escape(report.Outputs.Report)}");
    }
}
