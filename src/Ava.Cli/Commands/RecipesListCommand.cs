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
        var rows = recipes.Select(r => new
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
            JsonOutput.Write(context.Out, new { ok = true, recipes = rows });
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
