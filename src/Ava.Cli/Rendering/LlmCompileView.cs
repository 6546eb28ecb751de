using System.Text.Json.Serialization;
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
        if (json) JsonOutput.Write(context.Out, new LlmPlanJson { ok = true, plan = planned.Plan }, LlmCompileJsonContext.Output.LlmPlanJson);
        RenderPlan(context, planned.Plan, planned.Environment, planned.PythonUnknown);
    }

    public static void RenderResult(CliContext context, CompileReport report, Compiler.Toolchain.Smoke.SmokeResult? smoke, bool json)
    {
        var registered = report.Registered!;
        if (json) JsonOutput.Write(context.Out, new LlmBuiltJson { ok = true, report = report, registry = new RegistryChangeJson { path = registered.Path, change = registered.Change }, smoke = smoke }, LlmCompileJsonContext.Output.LlmBuiltJson);
        RenderResult(context, report);
        context.Human.MarkupLine($"  registry: {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, registered.Path))} ({registered.Change.ToString().ToLowerInvariant()})");
    }

    private static void RenderPlan(CliContext context, BuildPlanView plan, IReadOnlyDictionary<string, string> env, bool pythonUnknown)
    {
        var h = context.Human;
        h.MarkupLine($"[bold]{Markup.Escape(plan.AvaName)}[/] = {Markup.Escape(plan.Recipe)} {Markup.Escape(plan.Quantization)}, system-lib prefix {Markup.Escape(plan.SystemLibPrefix)}");
        var table = new Table().AddColumns("stage", "key", "status", "after");
        foreach (var s in plan.Stages)
            table.AddRow(s.Name, s.Key[..16], s.UpToDate ? "up to date" : "will run", string.Join(", ", s.DependsOn));
        h.Write(table);
        foreach (var s in plan.Stages.Where(s => s.Command is not null))
            h.MarkupLine($"{s.Name}: [grey]{Markup.Escape(s.Command!)}[/]");
        if (pythonUnknown) h.MarkupLine("[yellow]note:[/] no Python interpreter is configured; 'python3' is shown ('alc doctor' finds or sets it).");
        foreach (var (k, v) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal)) h.MarkupLine($"  {Markup.Escape(k)}={Markup.Escape(v)}");
        if (plan.MemoryPlan is { } m)
            h.MarkupLine($"memory plan: context {m.ContextWindowSize}, prefill {m.PrefillChunkSize}, estimated {m.EstimatedVramBytes >> 20} MiB of {m.BudgetBytes >> 20} MiB");
        h.MarkupLine($"outputs: {Markup.Escape(plan.ModelDirectory)}, {Markup.Escape(plan.Package)}");
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

/// <summary>'alc compile --plan --json' of an llm recipe; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record LlmPlanJson
{
    public required bool ok { get; init; }
    public required BuildPlanView plan { get; init; }
}

/// <summary>'alc compile --json' of a finished llm build; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record LlmBuiltJson
{
    public required bool ok { get; init; }
    public required CompileReport report { get; init; }
    public required RegistryChangeJson registry { get; init; }
    public Compiler.Toolchain.Smoke.SmokeResult? smoke { get; init; }
}

[JsonSerializable(typeof(LlmPlanJson))]
[JsonSerializable(typeof(LlmBuiltJson))]
internal sealed partial class LlmCompileJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static LlmCompileJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
