using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Registry;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry ab show [ID]</c>: one experiment's arms, or every experiment.</summary>
public sealed class RegistryAbShowCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry ab show", "Show an A/B experiment (or list them all when no id is given).")
    {
        Positionals = [new PositionalSpec("id", "Experiment id, e.g. gemma3-4b-vs-gemma2-2b.", Required: false)],
        Options = [RegistryOptions.Directory],
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var experiments = input.PositionalValue("id") is { } id ? [registry.GetAb(id)] : registry.AbIds().Select(registry.GetAb).ToList();
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new AbShowJson { ok = true, registry = registry.Root, experiments = experiments }, AbShowJsonContext.Output.AbShowJson);
            return Task.FromResult(0);
        }
        foreach (var e in experiments) AbRender.Experiment(context, e);
        if (experiments.Count == 0) context.Human.MarkupLine("No A/B experiments yet: 'alc registry ab create ID --arm MODEL:WEIGHT:ROLE ...'.");
        return Task.FromResult(0);
    }
}

internal static class AbRender
{
    public static void Experiment(CliContext context, AbExperiment e)
    {
        var table = new Table().Title(Markup.Escape($"{e.Id} — {e.Status.ToString().ToLowerInvariant()}, since {e.StartDate}"))
            .Caption(Markup.Escape($"{e.Description} · metrics: {string.Join(", ", e.Metrics)}"))
            .AddColumns("model", "role", "weight");
        foreach (var a in e.Arms) table.AddRow(Markup.Escape(a.Model), a.Role.ToString().ToLowerInvariant(), $"{a.Weight} %");
        context.Human.Write(table);
    }

    public static void Problems(CliContext context, AbValidation v)
    {
        if (v.Ok)
        {
            context.Human.MarkupLine($"[green]✓[/] {Markup.Escape(v.Experiment.Id)}" +
                                     (v.Bundle is null ? " (arms checked; link proof not run)" : $": {Markup.Escape(string.Join(" + ", v.Libraries))} link into one app build"));
            return;
        }
        context.Human.MarkupLine($"[red]✗[/] {Markup.Escape(v.Experiment.Id)}");
        foreach (var p in v.Problems)
            context.Human.MarkupLine($"    [red]{Markup.Escape(p.Code)}[/]: {Markup.Escape(p.Message)} Fix: {Markup.Escape(p.Fix)}");
    }
}

/// <summary>'alc registry ab show --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record AbShowJson
{
    public required bool ok { get; init; }
    public required string registry { get; init; }
    public required IReadOnlyList<AbExperiment> experiments { get; init; }
}

[JsonSerializable(typeof(AbShowJson))]
internal sealed partial class AbShowJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static AbShowJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
