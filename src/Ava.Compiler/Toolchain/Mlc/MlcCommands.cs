using Ava.Compiler.Processes;
using System.Globalization;
using Ava.Compiler.Pipeline;

namespace Ava.Compiler.Toolchain.Mlc;

/// <summary>
/// Builds the exact <c>python -m mlc_llm</c> command lines of the pinned MLC-LLM commit (7b15b196,
/// python/mlc_llm/cli/{convert_weight,gen_config,compile}.py). Only flags that exist there are emitted; argparse at that
/// commit rejects anything else with exit 2. Immutable: <c>WithX</c> copies.
/// </summary>
public sealed record MlcCommands(string Python, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The Android device preset whose explicit --system-lib-prefix MLC honours (android:adreno would drop it).</summary>
    public const string AndroidDevice = "android";

    /// <summary>
    /// The commands for a located toolchain: its Python, and the caller's environment overlaid with the toolchain's
    /// (PYTHONPATH, TVM_LIBRARY_PATH, TVM_NDK_CC...), so the CLI and the Action launch MLC-LLM identically.
    /// </summary>
    public static MlcCommands For(ToolchainLocations locations, ToolchainLock lockFile, IReadOnlyDictionary<string, string> inherited)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in inherited) environment[k] = v;
        foreach (var (k, v) in ToolchainEnvironment.For(locations, lockFile, HostPlatform.Current, inherited)) environment[k] = v;
        return new MlcCommands(locations.Python?.Path ?? "python3", environment);
    }

    public MlcCommands WithPython(string python) => this with { Python = python };

    public MlcCommands WithEnvironment(IReadOnlyDictionary<string, string?> environment) => this with { Environment = environment };

    /// <summary><c>mlc_llm convert_weight</c>: quantized <c>params_shard_*.bin</c> + <c>tensor-cache.json</c> into <paramref name="output"/>.</summary>
    public ToolCommand ConvertWeight(string modelDirectory, string quantization, string modelType, string output) =>
        Command("convert_weight", modelDirectory,
            "--quantization", quantization,
            "--model-type", modelType,
            "--source-format", "huggingface-safetensor",
            "--output", output);

    /// <summary><c>mlc_llm gen_config</c>: <c>mlc-chat-config.json</c> + tokenizer files into <paramref name="output"/>.</summary>
    public ToolCommand GenConfig(string modelDirectory, string quantization, string modelType, string convTemplate, string output,
        int? contextWindowSize, int? prefillChunkSize, int? slidingWindowSize, int? maxBatchSize)
    {
        var args = new List<string>
        {
            modelDirectory,
            "--quantization", quantization,
            "--model-type", modelType,
            "--conv-template", convTemplate,
        };
        void Opt(string flag, int? value)
        {
            if (value is { } v) args.AddRange([flag, v.ToString(CultureInfo.InvariantCulture)]);
        }
        Opt("--context-window-size", contextWindowSize);
        Opt("--sliding-window-size", slidingWindowSize);
        Opt("--prefill-chunk-size", prefillChunkSize);
        Opt("--max-batch-size", maxBatchSize);
        args.AddRange(["--output", output]);
        return Command("gen_config", [.. args]);
    }

    /// <summary>
    /// <c>mlc_llm compile --device android</c>: a gzip tar (named .tar, as MLC requires) holding lib0.o and
    /// <c>{prefix}devc.o</c>. The prefix is always explicit so the symbols are known before compiling.
    /// </summary>
    public ToolCommand Compile(string chatConfigDirectory, string quantization, string modelType, string systemLibPrefix, string outputTar)
    {
        if (!outputTar.EndsWith(".tar", StringComparison.Ordinal))
            throw new ArgumentException("MLC's android build asserts that the output ends in .tar.", nameof(outputTar));
        return Command("compile", Path.Combine(chatConfigDirectory, "mlc-chat-config.json"),
            "--quantization", quantization,
            "--model-type", modelType,
            "--device", AndroidDevice,
            "--system-lib-prefix", systemLibPrefix,
            "--output", outputTar);
    }

    /// <summary>
    /// The system-lib prefix: <c>{model_type}_{quantization}_</c> with anything outside [A-Za-z0-9_] replaced by '_'
    /// (MLC defines but never calls its own prefix check, and a '.' or '-' breaks the app's symbol lookup).
    /// The app's model_lib is this without the trailing '_'.
    /// </summary>
    public static string SystemLibPrefix(string modelType, string quantization) =>
        new string($"{modelType}_{quantization}_".Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray());

    private ToolCommand Command(string subcommand, params string[] args) =>
        new ToolCommand(Python, ["-m", "mlc_llm", subcommand, .. args]) { Environment = Environment };
}
