using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Recipes;
using Ava.Compiler.Toolchain.Mlc;
using Spectre.Console;

namespace Ava.Cli.Commands;

public sealed class RecipesCheckCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("recipes check",
        $"Check every recipe: schema, model type, quantizations and template against MLC-LLM {MlcCatalog.PinnedCommit}, AVA name collisions.")
    {
        Options = [RecipeOptions.Directory],
        Details = "Exit 0 when every recipe is valid, 2 when any is not (each problem is listed).",
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var dir = RecipeOptions.Resolve(input, context);
        var loaded = new List<Recipe>();
        var problems = new List<RecipeProblem>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.yml").Order(StringComparer.Ordinal))
        {
            try { loaded.Add(RecipeLoader.LoadFile(file)); }
            catch (BadInputException e) { problems.Add(new RecipeProblem(Path.GetFileNameWithoutExtension(file), e.Problem)); }
        }
        problems.AddRange(RecipeChecker.Check(loaded));
        var reserved = loaded.Where(r => r.Unsupported is not null).Select(r => new RecipesCheckJson.Reserved { recipe = r.Name, reason = r.Unsupported }).ToList();

        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RecipesCheckJson { ok = problems.Count == 0, checkedRecipes = loaded.Count, problems = problems, reserved = reserved }, RecipesCheckJsonContext.Output.RecipesCheckJson);
        }
        else
        {
            foreach (var p in problems) context.Human.MarkupLine($"[red]✗[/] {Markup.Escape(p.Recipe)}: {Markup.Escape(p.Message)}");
            foreach (var r in reserved) context.Human.MarkupLine($"[yellow]•[/] {Markup.Escape(r.recipe)}: reserved, not buildable: {Markup.Escape(r.reason!)}");
            context.Human.MarkupLine(problems.Count == 0
                ? $"[green]✓[/] {loaded.Count} recipes valid"
                : $"[red]{problems.Count} problem(s)[/] in {dir}");
        }
        return Task.FromResult(problems.Count == 0 ? 0 : (int)ExitCode.BadInput);
    }
}

/// <summary>'alc recipes check --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RecipesCheckJson
{
    public required bool ok { get; init; }
    public required int checkedRecipes { get; init; }
    public required IReadOnlyList<RecipeProblem> problems { get; init; }
    public required IReadOnlyList<Reserved> reserved { get; init; }

    internal sealed record Reserved
    {
        public required string recipe { get; init; }
        public string? reason { get; init; }
    }
}

[JsonSerializable(typeof(RecipesCheckJson))]
internal sealed partial class RecipesCheckJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RecipesCheckJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
