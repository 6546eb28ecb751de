using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Registry;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary>
/// <c>alc registry validate</c>: every file against its schema, then every A/B experiment's arms (exist, verified, weights);
/// with <c>--link</c> also each experiment's link proof over the libraries in --dist.
/// </summary>
public sealed class RegistryValidateCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry validate", "Check every registry file against its schema and every A/B experiment's arms.")
    {
        Options =
        [
            RegistryOptions.Directory,
            RegistryOptions.Dist,
            OptionSpec.Flag("--link", "Also prove each experiment's models link into one app (needs their libraries in --dist)."),
        ],
        Details = "Exit 0 when everything is valid, 1 when any file or experiment is not (each problem names the file and the field).",
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var files = registry.CheckFiles();
        var broken = files.Select(f => f.Path).ToHashSet();
        var experiments = registry.AbIds().Where(id => !broken.Contains(registry.AbPath(id)))
            .Select(id => AbValidator.Validate(registry, registry.GetAb(id), RegistryOptions.DistOf(input, context), input.Flag("--link")))
            .ToList();
        var ok = files.Count == 0 && experiments.All(e => e.Ok);
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RegistryValidateJson
            {
                ok = ok,
                registry = registry.Root,
                models = registry.ModelNames().Count,
                files = files.Select(f => new RegistryValidateJson.File { path = f.Path, problems = f.Problems.Select(p => new RegistryValidateJson.FieldProblem { field = p.Field, message = p.Message }) }),
                experiments = experiments.Select(e => new RegistryValidateJson.Experiment { id = e.Experiment.Id, ok = e.Ok, problems = e.Problems }),
            }, RegistryValidateJsonContext.Output.RegistryValidateJson);
            return Task.FromResult(ok ? 0 : 1);
        }
        foreach (var f in files)
        {
            context.Human.MarkupLine($"[red]✗[/] {Markup.Escape(Path.GetRelativePath(registry.Root, f.Path))}");
            foreach (var p in f.Problems) context.Human.MarkupLine($"    {Markup.Escape(p.Field)}: {Markup.Escape(p.Message)}");
        }
        foreach (var e in experiments) AbRender.Problems(context, e);
        context.Human.MarkupLine(ok
            ? $"[green]valid[/]: {registry.ModelNames().Count} model(s), {experiments.Count} A/B experiment(s) in {Markup.Escape(registry.Root)}"
            : $"[red]invalid[/]: {files.Count} file(s) and {experiments.Count(e => !e.Ok)} experiment(s) have problems");
        return Task.FromResult(ok ? 0 : 1);
    }
}

/// <summary>'alc registry validate --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RegistryValidateJson
{
    public required bool ok { get; init; }
    public required string registry { get; init; }
    public required int models { get; init; }
    public required IEnumerable<File> files { get; init; }
    public required IEnumerable<Experiment> experiments { get; init; }

    internal sealed record File
    {
        public required string path { get; init; }
        public required IEnumerable<FieldProblem> problems { get; init; }
    }

    internal sealed record FieldProblem
    {
        public required string field { get; init; }
        public required string message { get; init; }
    }

    internal sealed record Experiment
    {
        public required string id { get; init; }
        public required bool ok { get; init; }
        public required IReadOnlyList<AbProblem> problems { get; init; }
    }
}

[JsonSerializable(typeof(RegistryValidateJson))]
internal sealed partial class RegistryValidateJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RegistryValidateJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
