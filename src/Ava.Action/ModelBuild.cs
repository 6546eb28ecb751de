using Ava.Compiler.Pipeline.Aon;
using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Onnx;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Action;

/// <summary>What the compile stage of the Action produced.</summary>
/// <param name="RegistryEntry">The entry the core's register step wrote (registry/models/&lt;AVA name&gt;.json).</param>
public sealed record BuiltModel(string AvaName, string Artifact, string ReportMarkdown, string RegistryEntry);

/// <summary>
/// Compiles the 'model' input with the same core calls as <c>alc compile</c>: the recipe from recipes/, the build
/// folder under build/ (resumable: a re-run job skips finished stages), the outputs under dist/ and the registry entry
/// under registry/ (ALC_REGISTRY moves it, as for alc). LLM builds check the toolchain first (as alc compile does), so
/// a wrong toolchain stops before any download.
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

        var env = new Dictionary<string, string>(environment);
        if (inputs.HfToken.Length > 0) env["HF_TOKEN"] = inputs.HfToken;
        var folders = CompileFolders.For(root, env);
        return recipe.Kind == Recipe.KindOnnxEmbedding
            ? await OnnxAsync(recipe, inputs, root, folders, env, reporter, ct)
            : await LlmAsync(recipe, inputs, root, folders, env, reporter, ct);
    }

    private static async Task<BuiltModel> OnnxAsync(Recipe recipe, ActionInputs inputs, string root, CompileFolders folders,
        Dictionary<string, string> env, IReporter reporter, CancellationToken ct)
    {
        if (inputs.Quantization is not null)
            throw new BadInputException($"'quantization: {inputs.Quantization}' applies to LLM recipes; {recipe.Name} is an INT8 embedding recipe.",
                "Remove the 'quantization' input for this model.");
        var result = await AonPipeline.RunAsync(EmbeddingRecipes.From(recipe, inputs.Source, resolvePath: p => Path.GetFullPath(Path.Combine(root, p))),
            folders, env, reporter, HubModelFiles.Using(HubEnvironment.FromEnvironment(env)), ct);
        return new BuiltModel(result.Recipe.AvaName, result.ArtifactPath, result.ReportMarkdown, result.Registered.Path);
    }

    private static async Task<BuiltModel> LlmAsync(Recipe recipe, ActionInputs inputs, string root, CompileFolders folders,
        Dictionary<string, string> env, IReporter reporter, CancellationToken ct)
    {
        var locations = new ToolchainLocationsResolver(env, root).Resolve(new ToolchainOverrides());
        var source = inputs.Source is { } s and not "hf" ? Path.GetFullPath(Path.Combine(root, s)) : null;
        if (source is not null && !Directory.Exists(source))
            throw new BadInputException($"'source: {inputs.Source}' is not a folder ({source}).",
                "Set 'source' to the folder of a Hugging Face model (config.json, *.safetensors, tokenizer files), or leave it empty to download.");

        var build = LlmBuild.Create(recipe, locations, env, folders, new LlmBuildOverrides { Quantization = inputs.Quantization, SourceDirectory = source });
        if (!inputs.SkipDoctor)
        {
            var doctor = await Doctor.RunAsync(locations, DoctorScope.Compile,
                DoctorOptions.Default.WithEnvironment(env).WithWorkingDirectory(root), ct);
            doctor.ThrowIfNotOk();
        }
        var report = await new LlmPipeline(build).RunAsync(reporter, ct);
        return new BuiltModel(build.Name.Value, report.Outputs.Package, report.ToMarkdown(), report.Outputs.RegistryEntry);
    }
}
