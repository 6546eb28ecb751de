using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Registry;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry list</c>: every registered model, one row each.</summary>
public sealed class RegistryListCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry list", "List the models in the registry (registry/models/*.json).")
    {
        Options = [RegistryOptions.Directory],
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var models = registry.Models();
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RegistryListJson { ok = true, registry = registry.Root, models = models }, RegistryListJsonContext.Output.RegistryListJson);
            return Task.FromResult(0);
        }
        var table = new Table().Title(Markup.Escape(registry.Root)).AddColumns("AVA name", "kind", "family", "quantization", "context", "vocab", "VRAM (MiB)", "compiled (UTC)", "verification", "size (MB)");
        foreach (var m in models)
            table.AddRow(Markup.Escape(m.Name), m.Kind, Markup.Escape(m.Family), Markup.Escape(m.Quantization.Name) + (m.Quantization.Experimental ? " [yellow](experimental)[/]" : ""),
                m.Model.ContextWindowSize.ToString(), m.Model.VocabSize.ToString(), m.Model.EstimatedVramBytes is { } v ? (v >> 20).ToString() : "-",
                m.CompiledAt, m.Verified ? "[green]verified[/]" : "[red]rejected[/]",
                $"{(m.ArtifactWithRole(ArtifactRole.Package) ?? m.ArtifactWithRole(ArtifactRole.Model))?.Size / 1e6:F1}");
        context.Human.Write(table);
        if (models.Count == 0) context.Human.MarkupLine("The registry is empty: 'alc compile' registers each model it builds.");
        return Task.FromResult(0);
    }
}

internal static class RegistryOptions
{
    public static readonly OptionSpec Directory =
        OptionSpec.Value("--registry", "DIR", "The registry folder (default: ALC_REGISTRY, else registry/ in the working folder).");

    public static readonly OptionSpec Dist =
        OptionSpec.Value("--dist", "DIR", "Where the registered artifacts are (the entries' artifact paths are relative to it).", "dist");

    public static ModelRegistry Open(CommandInput input, CliContext context) =>
        new(context.ResolvePath(input.Value("--registry") ?? context.Env("ALC_REGISTRY") ?? "registry"));

    public static string DistOf(CommandInput input, CliContext context) => context.ResolvePath(input.Value("--dist") ?? "dist");
}

/// <summary>'alc registry list --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RegistryListJson
{
    public required bool ok { get; init; }
    public required string registry { get; init; }
    public required IReadOnlyList<ModelEntry> models { get; init; }
}

[JsonSerializable(typeof(RegistryListJson))]
internal sealed partial class RegistryListJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RegistryListJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
