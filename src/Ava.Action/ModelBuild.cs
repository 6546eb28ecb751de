using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Compile;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Toolchain;

namespace Ava.Action;

/// <summary>
/// The Action's 'model' input compiled by the core's <see cref="ModelCompiler"/>, exactly as <c>alc compile</c> does:
/// the recipe from recipes/ (or ALC_RECIPES), build/ (resumable: a re-run job skips finished stages), dist/ and the
/// registry entry (ALC_REGISTRY moves it). This file only maps the inputs.
/// </summary>
public static class ModelBuild
{
    public static async Task<Built> RunAsync(ActionInputs inputs, string root, IReadOnlyDictionary<string, string> environment,
        IReporter reporter, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(environment);
        if (inputs.HfToken.Length > 0) env["HF_TOKEN"] = inputs.HfToken;
        var configured = env.GetValueOrDefault("ALC_RECIPES") is { Length: > 0 } r ? Path.GetFullPath(Path.Combine(root, r)) : null;
        var request = new CompileRequest(inputs.Model!, RecipeLoader.FindDirectory(root, configured), CompileFolders.For(root, env), root, env)
            .WithNames(InputNames.Workflow)
            .WithTarget(inputs.Target)
            .WithSource(inputs.Source)
            .WithQuantization(inputs.Quantization)
            .WithSkipDoctor(inputs.SkipDoctor)
            .WithSkipSmoke(inputs.SkipSmoke)
            .WithToolchain(new ToolchainOverrides { AvaApp = inputs.App, AvaAppName = ActionInputs.AppInputName });
        // PlanOnly is never set here, so the outcome is always a built model.
        return (Built)await ModelCompiler.RunAsync(request, reporter, ct);
    }
}
