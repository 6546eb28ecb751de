using Ava.Compiler.Errors;
using Ava.Compiler.Naming;
using Ava.Compiler.Packaging;
using Ava.Compiler.Recipes;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// The build plan of one LLM compile: everything the stages need, decided before anything runs (Recipe → LlmBuild →
/// stage results → artifacts → report). Immutable.
/// </summary>
public sealed record LlmBuild
{
    public required Recipe Recipe { get; init; }

    public LlmRecipe Llm => Recipe.Llm!;

    public required string Quantization { get; init; }

    public QuantizationInfo QuantizationInfo => MlcCatalog.Quantizations[Quantization];

    public ModelTypeInfo ModelType => MlcCatalog.ModelTypes[Llm.ModelType];

    public required AvaName Name { get; init; }

    /// <summary>A local Hugging Face model folder used instead of downloading <see cref="RecipeSource.HfRepo"/>.</summary>
    public string? SourceDirectory { get; init; }

    /// <summary>Context window asked for on the command line or in the recipe (command line wins); null lets the planner choose.</summary>
    public int? ContextWindowSize { get; init; }

    public int? PrefillChunkSize { get; init; }

    public required ToolchainLock Lock { get; init; }

    public required MlcCommands Mlc { get; init; }

    /// <summary>
    /// AVA's own runtime as files and folders (e.g. the app's jniLibs/arm64-v8a/, or libtvm_runtime.so + libtvm_ffi.so);
    /// when set, verify proves every import resolves in the set. Empty: not configured.
    /// </summary>
    public IReadOnlyList<string> AvaRuntime { get; init; } = [];

    /// <summary>The runtime as verify reads it: each path shown by its file or folder name, so reports do not depend on where it lives.</summary>
    public IReadOnlyList<Verification.VerifyInput> AvaRuntimeInputs =>
        AvaRuntime.Select(p => new Verification.VerifyInput(p, Path.GetFileName(Path.TrimEndingDirectorySeparator(p)))).ToList();

    /// <summary>
    /// The app whose runtime stack verify proves link by link (tvm4j jar → JNI bridge → runtime → this library): its
    /// jniLibs folder and jar, an .aar or an .apk. Empty: not configured, and the report says the chain was not checked.
    /// </summary>
    public IReadOnlyList<string> AvaApp { get; init; } = [];

    /// <summary>The app as verify reads it: each path shown by its file or folder name, so reports do not depend on where it lives.</summary>
    public IReadOnlyList<Verification.VerifyInput> AvaAppInputs =>
        AvaApp.Select(p => new Verification.VerifyInput(p, Path.GetFileName(Path.TrimEndingDirectorySeparator(p)))).ToList();

    /// <summary>The Android NDK root; with <see cref="AvaRuntime"/> set, verify also links the library with its ld.lld.</summary>
    public string? AndroidNdk { get; init; }

    /// <summary>build/AVA-GE3-4B16: stage outputs, logs, hash cache, report.</summary>
    public required string BuildDirectory { get; init; }

    /// <summary>dist/: gets models/llm/AVA-…/ and AVA-….ALM.</summary>
    public required string DistDirectory { get; init; }

    /// <summary>The model registry folder: the register stage's entry becomes models/&lt;AVA name&gt;.json there.</summary>
    public required string RegistryDirectory { get; init; }

    public required long SourceDateEpoch { get; init; }

    /// <summary>The caller's environment (Hugging Face options, PATH for the tools).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public string SystemLibPrefix => MlcCommands.SystemLibPrefix(Llm.ModelType, Quantization);

    /// <summary>The app's model_lib: the prefix without its trailing '_'.</summary>
    public string ModelLib => SystemLibPrefix.TrimEnd('_');

    /// <summary>The finished model folder, mirroring the phone's models/llm/AVA-…/.</summary>
    public string DistModelDirectory => Path.Combine(DistDirectory, "models", "llm", Name.Value);

    public string DistPackagePath => Path.Combine(DistDirectory, Name.PackageFile);

    /// <summary>
    /// The one way callers (alc compile, the Action) make a build plan: the quantization (override, else the recipe's)
    /// is checked before anything is fetched, the AVA name follows from it, the context and prefill come from the
    /// overrides else the recipe, the MLC-LLM commands get the toolchain environment over <paramref name="environment"/>,
    /// and the folders and SOURCE_DATE_EPOCH are fixed here.
    /// </summary>
    public static LlmBuild Create(Recipe recipe, ToolchainLocations locations, IReadOnlyDictionary<string, string> environment,
        CompileFolders folders, LlmBuildOverrides? overrides = null, ToolchainLock? lockFile = null)
    {
        overrides ??= new LlmBuildOverrides();
        lockFile ??= ToolchainLock.Default;
        var quantization = overrides.Quantization ?? recipe.Llm?.Quantization ?? "";
        RecipeChecker.EnsureBuildable(recipe, quantization);
        var name = AvaName.For(recipe.Code, recipe.Size, quantization);
        var build = new LlmBuild
        {
            Recipe = recipe,
            Quantization = quantization,
            Name = name,
            SourceDirectory = overrides.SourceDirectory,
            ContextWindowSize = overrides.ContextWindowSize ?? recipe.Llm!.Overrides.ContextWindowSize,
            PrefillChunkSize = overrides.PrefillChunkSize ?? recipe.Llm!.Overrides.PrefillChunkSize,
            Lock = lockFile,
            Mlc = MlcCommands.For(locations, lockFile, environment),
            AvaRuntime = locations.AvaRuntime.Select(r => r.Path).ToList(),
            AvaApp = locations.AvaApp.Select(r => r.Path).ToList(),
            AndroidNdk = locations.NdkDir?.Path,
            BuildDirectory = folders.BuildFor(name.Value),
            DistDirectory = folders.Dist,
            RegistryDirectory = folders.Registry,
            SourceDateEpoch = DeterministicTar.EpochFrom(environment),
            Environment = environment,
        };
        if (build.ContextWindowSize is { } requested && build.ModelType.Context == ContextRule.ForcedToSlidingWindow)
            // Refused here, before any download; the planner gives the same answer later with the model's numbers.
            throw new BadInputException(
                $"A context window of {requested} cannot be built for {recipe.Llm!.ModelType}: MLC-LLM's Gemma2Config resets context_window_size to the sliding window (4096) on every config rebuild, overrides included.",
                $"Leave the context size unset{Remedy.Of(UserInput.Context)} (and llm.overrides.context_window_size); the model gets its 4096-token sliding window.");
        return build;
    }

    /// <summary>Inputs every toolchain-driven stage's key includes: a new pin means new outputs.</summary>
    public void AddToolchain(Hashing.KeyBuilder key) => ToolchainKey.AddPins(key, Lock);
}

/// <summary>What a caller may change about a recipe's LLM build; null keeps the recipe's choice.</summary>
public sealed record LlmBuildOverrides
{
    public string? Quantization { get; init; }

    /// <summary>A local Hugging Face model folder instead of the recipe's Hub repository (checked by the caller, which knows how it was given).</summary>
    public string? SourceDirectory { get; init; }

    public int? ContextWindowSize { get; init; }

    public int? PrefillChunkSize { get; init; }
}
