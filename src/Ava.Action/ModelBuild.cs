using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Naming;
using Ava.Compiler.Onnx;
using Ava.Compiler.Packaging;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Action;

/// <summary>What the compile stage of the Action produced.</summary>
/// <param name="RegistryEntry">The entry the pipeline's register stage wrote (dist/&lt;AVA name&gt;.registry.json), if any.</param>
public sealed record BuiltModel(string AvaName, string Artifact, string ReportMarkdown, string? RegistryEntry);

/// <summary>
/// Compiles the 'model' input with the same core calls as <c>alc compile</c>: the recipe from recipes/, the build
/// folder under build/ (resumable: a re-run job skips finished stages) and the outputs under dist/. LLM builds check
/// the toolchain first (as alc compile does), so a wrong toolchain stops before any download.
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
        var dist = Path.Combine(root, "dist");
        return recipe.Kind == Recipe.KindOnnxEmbedding
            ? await OnnxAsync(recipe, inputs, root, dist, env, reporter, ct)
            : await LlmAsync(recipe, inputs, root, dist, env, reporter, ct);
    }

    private static async Task<BuiltModel> OnnxAsync(Recipe recipe, ActionInputs inputs, string root, string dist,
        Dictionary<string, string> env, IReporter reporter, CancellationToken ct)
    {
        if (inputs.Quantization is not null)
            throw new BadInputException($"'quantization: {inputs.Quantization}' applies to LLM recipes; {recipe.Name} is an INT8 embedding recipe.",
                "Remove the 'quantization' input for this model.");
        var result = await AonCompiler.RunAsync(EmbeddingRecipes.From(recipe, inputs.Source, resolvePath: p => Path.GetFullPath(Path.Combine(root, p))),
            Path.Combine(root, "build", recipe.Name), dist, reporter, HubModelFiles.Using(HubEnvironment.FromEnvironment(env)), ct);
        var name = result.Recipe.AvaName;
        return new BuiltModel(name, result.ArtifactPath, result.ReportMarkdown, EntryFor(dist, name));
    }

    private static async Task<BuiltModel> LlmAsync(Recipe recipe, ActionInputs inputs, string root, string dist,
        Dictionary<string, string> env, IReporter reporter, CancellationToken ct)
    {
        var quantization = inputs.Quantization ?? recipe.Llm?.Quantization ?? "";
        RecipeChecker.EnsureBuildable(recipe, quantization);
        var name = AvaName.For(recipe.Code, recipe.Size, quantization);
        var locations = new ToolchainLocationsResolver(env, root).Resolve(new ToolchainOverrides());
        var lockFile = ToolchainLock.Default;
        var source = inputs.Source is { } s and not "hf" ? Path.GetFullPath(Path.Combine(root, s)) : null;
        if (source is not null && !Directory.Exists(source))
            throw new BadInputException($"'source: {inputs.Source}' is not a folder ({source}).",
                "Set 'source' to the folder of a Hugging Face model (config.json, *.safetensors, tokenizer files), or leave it empty to download.");

        var build = new LlmBuild
        {
            Recipe = recipe,
            Quantization = quantization,
            Name = name,
            SourceDirectory = source,
            ContextWindowSize = recipe.Llm!.Overrides.ContextWindowSize,
            PrefillChunkSize = recipe.Llm!.Overrides.PrefillChunkSize,
            Lock = lockFile,
            Mlc = MlcCommands.For(locations, lockFile, env),
            AvaRuntimeLibrary = locations.AvaRuntimeLibrary?.Path,
            AndroidNdk = locations.NdkDir?.Path,
            BuildDirectory = Path.Combine(root, "build", name.Value),
            DistDirectory = dist,
            SourceDateEpoch = DeterministicTar.EpochFrom(env),
            Environment = env,
        };
        if (!inputs.SkipDoctor)
        {
            var doctor = await Doctor.RunAsync(locations, DoctorScope.Compile,
                DoctorOptions.Default.WithEnvironment(env).WithWorkingDirectory(root), ct);
            doctor.ThrowIfNotOk();
        }
        var report = await new LlmPipeline(build).RunAsync(reporter, ct);
        return new BuiltModel(name.Value, report.Outputs.Package, report.ToMarkdown(),
            File.Exists(report.Outputs.RegistryEntry) ? report.Outputs.RegistryEntry : null);
    }

    /// <summary>
    /// A built file's registry entry: the pipeline writes dist/&lt;AVA name&gt;.registry.json; a repository may also keep
    /// registry/models/&lt;AVA name&gt;.json.
    /// </summary>
    public static string? EntryFor(string distOrRoot, string avaName)
    {
        foreach (var candidate in new[]
                 {
                     Path.Combine(distOrRoot, avaName + ".registry.json"),
                     Path.Combine(distOrRoot, "registry", "models", avaName + ".json"),
                 })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>Where an entry goes on the registry branch: registry/models/&lt;AVA name&gt;.json.</summary>
    public static string RepositoryPathOf(string entryFile, string root)
    {
        var file = Path.GetFileName(entryFile);
        return file.EndsWith(".registry.json", StringComparison.Ordinal)
            ? $"registry/models/{file[..^".registry.json".Length]}.json"
            : Path.GetRelativePath(root, entryFile).Replace('\\', '/');
    }
}
