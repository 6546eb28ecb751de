using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Onnx;
using Ava.Compiler.Pipeline.Aon;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Smoke;

namespace Ava.Compiler.Pipeline.Compile;

/// <summary>
/// The one compile entry of <c>alc compile</c> and the Action: checks the target, loads the recipe and refuses a
/// reserved one, dispatches on its kind, checks the source, runs the toolchain checks (llm) and the pipeline. The
/// shells map their inputs to a <see cref="CompileRequest"/> and render the <see cref="CompileOutcome"/>.
/// </summary>
public static class ModelCompiler
{
    /// <summary>
    /// The targets a compile accepts. Every stage is wired for Android arm64-v8a (MLC's <c>--device android</c>, the
    /// NDK link proof), so these are the two ids of that one target; abi/targets.json lists more for <c>alc verify</c>.
    /// </summary>
    public static IReadOnlyList<string> Targets { get; } = ["android", "android-arm64"];

    public static async Task<CompileOutcome> RunAsync(CompileRequest request, IReporter reporter, CancellationToken cancellationToken = default)
    {
        var recipe = Load(request);
        return recipe.Kind == Recipe.KindOnnxEmbedding
            ? await AonAsync(recipe, request, reporter, cancellationToken)
            : await LlmAsync(recipe, request, reporter, cancellationToken);
    }

    /// <summary>The target and recipe checks, before anything is resolved or downloaded.</summary>
    public static Recipe Load(CompileRequest request)
    {
        if (!Targets.Contains(request.Target))
            throw new BadInputException($"Unknown target '{request.Target}'.",
                $"{request.Names.Use(CompileInput.Target, "android")} (arm64-v8a phones, the only target AVA ships).");
        var recipe = RecipeLoader.Load(request.RecipesDirectory, request.Recipe);
        if (recipe.Unsupported is not null)
            throw new BadInputException($"The recipe '{recipe.Name}' cannot be built yet: {recipe.Unsupported}", "Pick another recipe ('alc recipes list').");
        return recipe;
    }

    private static async Task<CompileOutcome> AonAsync(Recipe recipe, CompileRequest request, IReporter reporter, CancellationToken ct)
    {
        if (request.Quantization is { } q)
            throw new BadInputException($"{request.Names.Given(CompileInput.Quantization, q)} applies to LLM recipes; {recipe.Name} is an INT8 embedding recipe.",
                $"{request.Names.Drop(CompileInput.Quantization)} for this model.");
        var embedding = EmbeddingRecipes.From(recipe, request.Source, request.Vocab, request.ResolvePath);
        // A plan runs nothing for every recipe kind: no stage, nothing in build/, dist/ or the registry.
        if (request.PlanOnly)
        {
            var models = Path.Combine(request.Folders.Dist, "models");
            string[] files =
            [
                .. new[] { ".AON", ".vocab.txt", ".report.md", ".report.json", ".alc-manifest.json" }.Select(x => Path.Combine(models, embedding.AvaName + x)),
                Path.Combine(request.Folders.Registry, "models", embedding.AvaName + ".json"),
            ];
            return new AonPlanned(recipe, embedding.AvaName, embedding.Source.Describe(), request.Folders.BuildFor(embedding.Id),
                AonPipeline.Stages(embedding, DateTimeOffset.UnixEpoch).Select(st => st.Name).ToList(), files);
        }
        var result = await AonPipeline.RunAsync(embedding, request.Folders, request.Environment, reporter,
            HubModelFiles.Using(HubEnvironment.FromEnvironment(request.Environment)), ct);
        return new AonBuilt(recipe, result);
    }

    private static async Task<CompileOutcome> LlmAsync(Recipe recipe, CompileRequest request, IReporter reporter, CancellationToken ct)
    {
        var locations = new ToolchainLocationsResolver(request.Environment, request.WorkingDirectory).Resolve(request.Toolchain);
        var lockFile = ToolchainLock.Default;
        var sourceDir = request.Source is { } s and not "hf" ? request.ResolvePath(s) : null;
        if (sourceDir is not null && !Directory.Exists(sourceDir))
            throw new BadInputException($"{request.Names.Given(CompileInput.Source, sourceDir)} is not a folder.",
                "For an LLM pass 'hf' (the recipe's Hub repo, the default) or the folder of a Hugging Face model (config.json, *.safetensors, tokenizer files).");

        var build = LlmBuild.Create(recipe, locations, request.Environment, request.Folders, new LlmBuildOverrides
        {
            Quantization = request.Quantization,
            SourceDirectory = sourceDir,
            ContextWindowSize = request.ContextWindowSize,
            PrefillChunkSize = request.PrefillChunkSize,
        }, lockFile);
        var pipeline = new LlmPipeline(build);
        if (request.PlanOnly)
        {
            var shown = ToolchainEnvironment.For(locations, lockFile, HostPlatform.Current, request.Environment)
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            var plan = pipeline.Plan();
            return new LlmPlanned(recipe, plan with { Environment = shown }, shown, locations.Python is null);
        }

        SmokeResult? smoke = null;
        if (!request.SkipDoctor)
        {
            var options = DoctorOptions.Default.WithEnvironment(request.Environment).WithWorkingDirectory(request.WorkingDirectory);
            var doctor = await Doctor.RunAsync(locations, DoctorScope.Compile, options, ct);
            doctor.ThrowIfNotOk();
            // Once per toolchain key: a toolchain that cannot compile a 2-layer model stops here, before the download.
            if (!request.SkipSmoke)
                (smoke, _) = await ToolchainSmoke.EnsurePassedAsync(locations, options, recipe.Source, reporter, ct);
        }
        return new LlmBuilt(recipe, await pipeline.RunAsync(reporter, ct)) { Smoke = smoke };
    }
}
