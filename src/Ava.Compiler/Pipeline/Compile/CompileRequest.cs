using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Pipeline.Compile;

/// <summary>
/// One compile as a shell asked for it: <c>alc compile</c>'s options or the Action's inputs, already read but not yet
/// checked. <see cref="ModelCompiler"/> checks it (target, recipe, source) the same way for both shells.
/// Immutable; <c>WithX</c> gives a changed copy.
/// </summary>
public sealed record CompileRequest
{
    /// <param name="recipe">The recipe name, e.g. gemma3-1b or minilm-384.</param>
    /// <param name="recipesDirectory">The folder of recipe files (the shell resolves --recipes / ALC_RECIPES).</param>
    /// <param name="folders">build/, dist/ and the registry.</param>
    /// <param name="workingDirectory">Relative paths (source, vocab, a recipe's local files) are resolved against it.</param>
    /// <param name="environment">The variables the build runs with (HF_TOKEN, SOURCE_DATE_EPOCH, ALC_*...).</param>
    public CompileRequest(string recipe, string recipesDirectory, CompileFolders folders, string workingDirectory,
        IReadOnlyDictionary<string, string> environment)
    {
        Recipe = recipe;
        RecipesDirectory = recipesDirectory;
        Folders = folders;
        WorkingDirectory = workingDirectory;
        Environment = environment;
    }

    public string Recipe { get; }

    public string RecipesDirectory { get; }

    public CompileFolders Folders { get; }

    public string WorkingDirectory { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>A target id; <see cref="ModelCompiler.Targets"/> lists the accepted ones.</summary>
    public string Target { get; private init; } = "android";

    /// <summary>llm: 'hf' or a local model folder; onnx-embedding: 'embedded', 'hf' or an .onnx file. Null: the recipe's.</summary>
    public string? Source { get; private init; }

    /// <summary>onnx-embedding: the vocab.txt of a local source.</summary>
    public string? Vocab { get; private init; }

    /// <summary>llm only: an MLC quantization instead of the recipe's (an embedding recipe refuses it).</summary>
    public string? Quantization { get; private init; }

    public int? ContextWindowSize { get; private init; }

    public int? PrefillChunkSize { get; private init; }

    /// <summary>llm: skip the fast toolchain checks (and the smoke test) that otherwise stop a wrong toolchain before any download.</summary>
    public bool SkipDoctor { get; private init; }

    /// <summary>llm: skip only the smoke test (<c>alc doctor --smoke</c>) that runs once per toolchain key before the first download.</summary>
    public bool SkipSmoke { get; private init; }

    /// <summary>llm: plan only (stages, keys, commands); nothing runs.</summary>
    public bool PlanOnly { get; private init; }

    /// <summary>Toolchain locations given by the shell (flags); the rest comes from the environment and config files.</summary>
    public ToolchainOverrides Toolchain { get; private init; } = new();

    /// <summary>How the shell names its inputs in fix texts.</summary>
    public InputNames Names { get; private init; } = InputNames.CommandLine;

    public CompileRequest WithTarget(string target) => this with { Target = target };

    public CompileRequest WithSource(string? source) => this with { Source = source };

    public CompileRequest WithVocab(string? vocab) => this with { Vocab = vocab };

    public CompileRequest WithQuantization(string? quantization) => this with { Quantization = quantization };

    public CompileRequest WithContextWindowSize(int? tokens) => this with { ContextWindowSize = tokens };

    public CompileRequest WithPrefillChunkSize(int? tokens) => this with { PrefillChunkSize = tokens };

    public CompileRequest WithSkipDoctor(bool skip = true) => this with { SkipDoctor = skip };

    public CompileRequest WithSkipSmoke(bool skip = true) => this with { SkipSmoke = skip };

    public CompileRequest WithPlanOnly(bool plan = true) => this with { PlanOnly = plan };

    public CompileRequest WithToolchain(ToolchainOverrides overrides) => this with { Toolchain = overrides };

    public CompileRequest WithNames(InputNames names) => this with { Names = names };

    /// <summary>A user-given path: <c>~/</c> is HOME, anything relative is under the working folder.</summary>
    public string ResolvePath(string path)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal) && Environment.GetValueOrDefault("HOME") is { Length: > 0 } home)
            path = Path.Combine(home, path[2..]);
        return Path.GetFullPath(Path.Combine(WorkingDirectory, path));
    }
}
