using Ava.Compiler.Naming;
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

    /// <summary>AVA's own libtvm_runtime.so (e.g. the app's jniLibs/arm64-v8a copy); when set, verify proves every import resolves in it.</summary>
    public string? AvaRuntimeLibrary { get; init; }

    /// <summary>The Android NDK root; with <see cref="AvaRuntimeLibrary"/> set, verify also links the library with its ld.lld.</summary>
    public string? AndroidNdk { get; init; }

    /// <summary>build/AVA-GE3-4B16: stage outputs, logs, hash cache, report.</summary>
    public required string BuildDirectory { get; init; }

    /// <summary>dist/: gets models/llm/AVA-…/ and AVA-….ALM.</summary>
    public required string DistDirectory { get; init; }

    public required long SourceDateEpoch { get; init; }

    /// <summary>The caller's environment (Hugging Face options, PATH for the tools).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public string SystemLibPrefix => MlcCommands.SystemLibPrefix(Llm.ModelType, Quantization);

    /// <summary>The app's model_lib: the prefix without its trailing '_'.</summary>
    public string ModelLib => SystemLibPrefix.TrimEnd('_');

    /// <summary>The finished model folder, mirroring the phone's models/llm/AVA-…/.</summary>
    public string DistModelDirectory => Path.Combine(DistDirectory, "models", "llm", Name.Value);

    public string DistPackagePath => Path.Combine(DistDirectory, Name.PackageFile);

    /// <summary>Inputs every toolchain-driven stage's key includes: a new pin means new outputs.</summary>
    public void AddToolchain(Hashing.KeyBuilder key) =>
        key.Add("tvm-commit", Lock.Tvm.Commit).Add("tvm-ffi", Lock.TvmFfi.Version).Add("mlc-commit", Lock.MlcLlm.Commit);
}
