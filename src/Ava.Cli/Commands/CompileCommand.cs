using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Compile;

namespace Ava.Cli.Commands;

/// <summary><c>alc compile RECIPE --target android</c>: builds a model from its recipe; the recipe's kind picks the path.</summary>
public sealed class CompileCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("compile", "Build a model from its recipe into AVA-ready artifacts under dist/, verified.")
    {
        Positionals = [new PositionalSpec("model", "Recipe name, e.g. minilm-384 or gemma3-4b ('alc recipes list').", AlsoOption: "--model")],
        Options =
        [
            OptionSpec.Value("--model", "RECIPE", "Same as the positional MODEL."),
            OptionSpec.Value("--target", "TARGET", "Device target (arm64-v8a phones; android-arm64 is the same).", "android").OneOf("android", "android-arm64"),
            RecipeOptions.Directory,
            OptionSpec.Value("--out", "DIR", "Where artifacts land (models go to DIR/models/).", "dist"),
            OptionSpec.Value("--build-dir", "DIR", "Resumable stage outputs and logs (default build/<recipe> for onnx, build/<AVA name> for llm)."),
            OptionSpec.Value("--source", "SOURCE", "llm: 'hf' (default: the recipe's Hub repo) or a local Hugging Face model folder. onnx-embedding: 'embedded' (default, offline), 'hf' or a path to an .onnx file."),
            RegistryOptions.Directory,
            OptionSpec.Value("--vocab", "FILE", "onnx-embedding: the vocab.txt of a local --source model (default: vocab.txt beside it)."),
            OptionSpec.Value("--quantization", "Q", "llm: MLC quantization, one of the recipe's 'quantizations' ('alc recipes show RECIPE'; default: the recipe's, usually q4f16_1)."),
            OptionSpec.Value("--context", "TOKENS", "llm: context window (default: planned from the model and the recipe's memory budget)."),
            OptionSpec.Value("--prefill-chunk", "TOKENS", "llm: prefill chunk size (default: the recipe's, else 256)."),
            OptionSpec.Flag("--plan", "Print what would happen and run nothing: llm: the weights' repo@revision (and commit once fetched), each stage with its key and command, every file it writes under its AVA name, context, prefill and memory."),
            OptionSpec.Flag("--skip-doctor", "llm: skip the toolchain checks (and the smoke test) that otherwise stop a wrong toolchain before any download."),
            OptionSpec.Flag("--skip-smoke", "llm: skip only the smoke test ('alc doctor --smoke') that runs once per toolchain before the first compile."),
            .. ToolchainOptions.Options,
        ],
        Environment = [.. EnvironmentHelp.Hub, .. EnvironmentHelp.Fetch, .. EnvironmentHelp.Toolchain, .. EnvironmentHelp.Output, .. EnvironmentHelp.Console],
        Details = """
            Stages run content-addressed: a rerun skips every stage whose inputs did not change, and a killed run
            resumes where it stopped. Nothing is written to dist/ unless every stage, verification included, passed.

            Examples:
              alc compile minilm-384 --target android      # all-MiniLM-L6-v2 → dist/models/AVA-384-Base-INT8.AON, offline
              alc compile minilm-384 --source ./model.onnx --vocab ./vocab.txt
              alc compile gemma3-4b --target android       # → dist/models/llm/AVA-GE3-4B16/ + dist/AVA-GE3-4B16.ALM
              alc compile gemma3-4b --plan                 # source, stages, commands, files, memory; runs nothing
              alc compile gemma3-1b --source ./gemma-3-1b-it --context 4096

            llm exit codes: 1 the compiled library was rejected (old TVM API...), 2 bad input (unknown recipe, q8f16_1,
            gemma3n...), 3 toolchain not ready ('alc doctor'), 4 an MLC-LLM step failed (its log is named), 5 download failed.
            """,
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        if (HubEnvironment.FromEnvironment(context.Environment).Token is { } token) context.Redactor.Add(token);
        var request = new CompileRequest(input.PositionalValue("model")!, RecipeOptions.Resolve(input, context), Folders(input, context),
                context.WorkingDirectory, context.Environment)
            .WithTarget(input.Value("--target") ?? "android")
            .WithSource(input.Value("--source"))
            .WithVocab(input.Value("--vocab"))
            .WithQuantization(input.Value("--quantization"))
            .WithContextWindowSize(input.Int("--context", 128, 1 << 20))
            .WithPrefillChunkSize(input.Int("--prefill-chunk", 16, 1 << 16))
            .WithSkipDoctor(input.Flag("--skip-doctor"))
            .WithSkipSmoke(input.Flag("--skip-smoke"))
            .WithPlanOnly(input.Flag("--plan"))
            .WithToolchain(ToolchainOptions.Read(input));
        switch (await ModelCompiler.RunAsync(request, context.CreateReporter(), cancellationToken))
        {
            case LlmPlanned planned: LlmCompileView.RenderPlan(context, planned, input.Json); break;
            case AonPlanned aonPlan: AonCompileView.RenderPlan(context, aonPlan, input.Json); break;
            case LlmBuilt llm: LlmCompileView.RenderResult(context, llm.Report, llm.Smoke, input.Json); break;
            case AonBuilt aon: AonCompileView.Render(context, aon, input.Json); break;
        }
        return 0;
    }

    /// <summary>--build-dir, --out and --registry (else ALC_REGISTRY, else registry/) over the working folder.</summary>
    private static CompileFolders Folders(CommandInput input, CliContext context) =>
        CompileFolders.For(context.WorkingDirectory, context.Environment)
            .WithBuild(input.Value("--build-dir") is { } build ? context.ResolvePath(build) : null)
            .WithDist(context.ResolvePath(input.Value("--out") ?? "dist"))
            .WithRegistry(RegistryOptions.Open(input, context).Root);
}
