using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Onnx;
using Ava.Compiler.Registry;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>
/// `.AON` path, step 5: the registry record — the same <see cref="ModelEntry"/> (<c>alc-registry-model/1</c>) the LLM
/// path's register stage makes, read from the package (manifest, accuracy report, vocabulary), checked against the
/// schema and kept in the stage folder (<see cref="Registrar.Keep"/>); the pipeline's <see cref="Registrar"/> writes it to
/// <c>registry/models/&lt;AVA name&gt;.json</c> once the package is in dist/.
/// </summary>
/// <param name="compiledAt">The time to record (<see cref="RegistryEntries.CompiledAt"/> of the caller's environment).</param>
public sealed class AonRegisterStage(EmbeddingRecipe recipe, DateTimeOffset compiledAt) : IStage<RegisteredEntry>
{
    public const string StageName = "aon-register";

    public static readonly StageResult<RegisteredEntry> Output = new(StageName, PipelineJsonContext.Default.RegisteredEntry);

    public StageResult<RegisteredEntry> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [AonPackageStage.StageName];

    public static string EntryName(string avaName) => avaName + ".json";

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 2).Add("max-tokens", recipe.MaxTokens);
        if (recipe.Recipe?.Path is { } path) key.AddFile("recipe", path, context.HashCache);
    }

    public Task<StageOutcome<RegisteredEntry>> RunAsync(StageContext context)
    {
        var source = recipe.Recipe
                     ?? throw new BadInputException($"The embedding recipe '{recipe.Id}' was not read from a recipe file, so it cannot be registered.",
                         "Load it with RecipeLoader and EmbeddingRecipes.From (as alc compile does).");
        var entry = RegistryEntries.ForAon(new AonRegistration
        {
            DistDirectory = "",
            Name = recipe.AvaName,
            Recipe = source,
            MaxTokens = recipe.MaxTokens,
            CompiledAt = compiledAt,
            ModelsDirectory = context.OutputOf(AonPackageStage.StageName),
        });
        return Task.FromResult(Registrar.Keep(entry, context.OutputDirectory, EntryName(recipe.AvaName)));
    }
}
