using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Naming;
using Ava.Compiler.Recipes;
using Ava.Compiler.Toolchain.Mlc;
using Spectre.Console;

namespace Ava.Cli.Commands;

public sealed class RecipesShowCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("recipes show", "Show one recipe, with the AVA name of each quantization it allows.")
    {
        Positionals = [new PositionalSpec("recipe", "Recipe name, e.g. gemma3-4b.")],
        Options = [RecipeOptions.Directory],
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var recipe = RecipeLoader.Load(RecipeOptions.Resolve(input, context), input.PositionalValue("recipe")!);
        var names = recipe.Llm?.Quantizations.Select(q => new RecipeShowJson.Name
        {
            quantization = q,
            avaName = AvaName.For(recipe.Code, recipe.Size, q).Value,
            isDefault = q == recipe.Llm.Quantization,
        }).ToList();
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RecipeShowJson { ok = true, recipe = recipe, names = names }, RecipeShowJsonContext.Output.RecipeShowJson);
            return Task.FromResult(0);
        }
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string k, string? v) => grid.AddRow($"[bold]{k}[/]", Markup.Escape(v ?? "-"));
        Row("recipe", recipe.Name);
        Row("kind", recipe.Kind);
        Row("description", recipe.Description);
        Row("source", $"{recipe.Source.HfRepo} @ {recipe.Source.Revision}");
        Row("AVA code / size", $"{recipe.Code} / {recipe.Size}");
        if (recipe.Llm is { } llm)
        {
            Row("model type", llm.ModelType);
            Row("conversation template", llm.ConvTemplate + (MlcCatalog.ConversationTemplates.TryGetValue(llm.ConvTemplate, out var t) ? $" ({t})" : ""));
            Row("device memory", $"{llm.DeviceMemoryMb} MiB");
            Row("overrides", string.Join(", ", new[]
            {
                llm.Overrides.ContextWindowSize is { } c ? $"context_window_size={c}" : null,
                llm.Overrides.PrefillChunkSize is { } p ? $"prefill_chunk_size={p}" : null,
                llm.Overrides.SlidingWindowSize is { } s ? $"sliding_window_size={s}" : null,
                llm.Overrides.MaxBatchSize is { } b ? $"max_batch_size={b}" : null,
            }.Where(x => x is not null)) is { Length: > 0 } o ? o : "none");
        }
        if (recipe.Unsupported is not null) Row("status", "reserved: " + recipe.Unsupported);
        context.Human.Write(grid);
        if (names is not null)
        {
            var table = new Table().AddColumns("quantization", "AVA name", "");
            foreach (var n in names) table.AddRow(n.quantization, n.avaName, n.isDefault ? "default" : "");
            context.Human.Write(table);
        }
        return Task.FromResult(0);
    }
}

/// <summary>'alc recipes show --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RecipeShowJson
{
    public required bool ok { get; init; }
    public required Recipe recipe { get; init; }
    public IReadOnlyList<Name>? names { get; init; }

    internal sealed record Name
    {
        public required string quantization { get; init; }
        public required string avaName { get; init; }
        public required bool isDefault { get; init; }
    }
}

/// <summary>
/// The onnx section of a recipe is YAML read without a schema: its values are strings, lists and maps, written as
/// what they are at run time, so those shapes are listed too.
/// </summary>
[JsonSerializable(typeof(RecipeShowJson))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(Dictionary<object, object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
internal sealed partial class RecipeShowJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RecipeShowJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
