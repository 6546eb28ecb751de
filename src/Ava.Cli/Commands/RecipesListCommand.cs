using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Naming;
using Ava.Compiler.Recipes;
using Spectre.Console;

namespace Ava.Cli.Commands;

public sealed class RecipesListCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("recipes list", "List the model recipes and the AVA name each builds.")
    {
        Options = [RecipeOptions.Directory],
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var recipes = RecipeLoader.LoadAll(RecipeOptions.Resolve(input, context));
        var rows = recipes.Select(r => new RecipeRowJson
        {
            name = r.Name,
            kind = r.Kind,
            avaName = r.Llm is null ? Ava.Compiler.Onnx.EmbeddingRecipes.AvaName(r) : AvaName.For(r.Code, r.Size, r.Llm.Quantization).Value,
            source = r.Source.HfRepo,
            modelType = r.Llm?.ModelType,
            quantization = r.Llm?.Quantization,
            status = r.Unsupported is null ? "buildable" : "reserved",
        }).ToList();
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RecipesListJson { ok = true, recipes = rows }, RecipesListJsonContext.Output.RecipesListJson);
            return Task.FromResult(0);
        }
        var table = new Table().AddColumns("recipe", "kind", "AVA name", "source", "model type", "quantization", "status");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.name), r.kind, r.avaName ?? "-", Markup.Escape(r.source), r.modelType ?? "-", r.quantization ?? "-", r.status);
        context.Human.Write(table);
        return Task.FromResult(0);
    }
}

internal static class RecipeOptions
{
    public static readonly OptionSpec Directory =
        OptionSpec.Value("--recipes", "DIR", "Folder of recipe files (default: ALC_RECIPES, else recipes/ of ALC_HOME or of this checkout).");

    public static string Resolve(CommandInput input, CliContext context)
    {
        var configured = input.Value("--recipes") ?? context.Env("ALC_RECIPES")
                         ?? (context.Env("ALC_HOME") is { } home && System.IO.Directory.Exists(Path.Combine(home, "recipes")) ? Path.Combine(home, "recipes") : null);
        return RecipeLoader.FindDirectory(context.WorkingDirectory, configured is null ? null : context.ResolvePath(configured));
    }
}

/// <summary>'alc recipes list --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RecipesListJson
{
    public required bool ok { get; init; }
    public required IReadOnlyList<RecipeRowJson> recipes { get; init; }
}

/// <summary>One recipe row of 'alc recipes list' (table and --json).</summary>
internal sealed record RecipeRowJson
{
    public required string name { get; init; }
    public required string kind { get; init; }
    public string? avaName { get; init; }
    public required string source { get; init; }
    public string? modelType { get; init; }
    public string? quantization { get; init; }
    public required string status { get; init; }
}

[JsonSerializable(typeof(RecipesListJson))]
internal sealed partial class RecipesListJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RecipesListJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
