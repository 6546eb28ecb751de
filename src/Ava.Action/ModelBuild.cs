using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Onnx;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;

namespace Ava.Action;

/// <summary>What the compile stage of the Action produced.</summary>
public sealed record BuiltModel(string AvaName, string Artifact, IReadOnlyList<string> Files, string ReportMarkdown, string? RegistryEntry);

/// <summary>
/// Compiles the 'model' input with the same core calls as <c>alc compile</c>: the recipe from recipes/, the build
/// folder build/&lt;recipe&gt; (resumable: a re-run job skips finished stages) and the outputs under dist/.
/// </summary>
public static class ModelBuild
{
    public static async Task<BuiltModel> RunAsync(ActionInputs inputs, string root, IReadOnlyDictionary<string, string> environment,
        IReporter reporter, CancellationToken ct)
    {
        if (inputs.Target is not ("android" or "android-arm64"))
            throw new BadInputException($"Unknown target '{inputs.Target}'.", "Set 'target: android' (arm64-v8a phones, the only target AVA ships).");
        var configured = environment.GetValueOrDefault("ALC_RECIPES") is { Length: > 0 } r ? Path.GetFullPath(Path.Combine(root, r)) : null;
        var recipe = RecipeLoader.Load(RecipeLoader.FindDirectory(root, configured), inputs.Model!);
        if (recipe.Unsupported is not null)
            throw new BadInputException($"The recipe '{recipe.Name}' cannot be built yet: {recipe.Unsupported}", "Pick another recipe ('alc recipes list').");

        switch (recipe.Kind)
        {
            case Recipe.KindOnnxEmbedding:
            {
                if (inputs.Quantization is not null)
                    throw new BadInputException($"'quantization: {inputs.Quantization}' applies to LLM recipes; {recipe.Name} is an INT8 embedding recipe.",
                        "Remove the 'quantization' input for this model.");
                var env = new Dictionary<string, string>(environment);
                if (inputs.HfToken.Length > 0) env["HF_TOKEN"] = inputs.HfToken;
                var result = await AonCompiler.RunAsync(EmbeddingRecipes.From(recipe, resolvePath: p => Path.GetFullPath(Path.Combine(root, p))),
                    Path.Combine(root, "build", recipe.Name), Path.Combine(root, "dist"), reporter,
                    HubModelFiles.Using(HubEnvironment.FromEnvironment(env)), ct);
                return new BuiltModel(result.Recipe.AvaName, result.ArtifactPath, result.PublishedFiles, result.ReportMarkdown,
                    RegistryEntry(root, result.Recipe.AvaName));
            }
            default:
                throw new BadInputException(
                    $"The recipe '{recipe.Name}' is an {recipe.Kind} recipe; this build of alc compiles onnx-embedding recipes only.",
                    "Build LLMs with an alc that includes the MLC-LLM pipeline, or compile minilm-384.");
        }
    }

    /// <summary>The registry entry the pipeline's register stage wrote for this model, when it wrote one.</summary>
    public static string? RegistryEntry(string root, string avaName)
    {
        var path = Path.Combine(root, "registry", "models", avaName + ".json");
        return File.Exists(path) ? path : null;
    }
}
