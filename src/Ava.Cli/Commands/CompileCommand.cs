using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Recipes;

namespace Ava.Cli.Commands;

/// <summary><c>alc compile RECIPE --target android</c>: builds a model from its recipe; the recipe's kind picks the path.</summary>
public sealed class CompileCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("compile", "Build a model from its recipe into AVA-ready artifacts under dist/, verified.")
    {
        Positionals = [new PositionalSpec("model", "Recipe name, e.g. minilm-384 or gemma3-4b ('alc recipes list').", AlsoOption: "--model")],
        Options =
        [
            OptionSpec.Value("--target", "TARGET", "Device target.", "android"),
            RecipeOptions.Directory,
            OptionSpec.Value("--out", "DIR", "Where artifacts land (models go to DIR/models/).", "dist"),
            OptionSpec.Value("--build-dir", "DIR", "Resumable stage outputs and logs (default build/<recipe>)."),
            OptionSpec.Value("--source", "SOURCE", "onnx-embedding: 'embedded' (default, offline), 'hf' (the recipe's Hub repo) or a path to an .onnx file."),
            OptionSpec.Value("--vocab", "FILE", "onnx-embedding: the vocab.txt of a local --source model (default: vocab.txt beside it)."),
        ],
        Details = """
            Stages run content-addressed: a rerun skips every stage whose inputs did not change, and a killed run
            resumes where it stopped. Nothing is written to dist/ unless every stage, verification included, passed.

            Examples:
              alc compile minilm-384 --target android      # all-MiniLM-L6-v2 → dist/models/AVA-384-Base-INT8.AON, offline
              alc compile minilm-384 --source ./model.onnx --vocab ./vocab.txt
            """,
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var target = input.Value("--target") ?? "android";
        if (target is not ("android" or "android-arm64"))
            throw new BadInputException($"Unknown target '{target}'.", "Use --target android (arm64-v8a phones, the only target AVA ships).");
        var recipe = RecipeLoader.Load(RecipeOptions.Resolve(input, context), input.PositionalValue("model")!);
        if (recipe.Unsupported is not null)
            throw new BadInputException($"The recipe '{recipe.Name}' cannot be built yet: {recipe.Unsupported}", "Pick another recipe ('alc recipes list').");
        return recipe.Kind switch
        {
            Recipe.KindOnnxEmbedding => AonCompileView.RunAsync(recipe, input, context, cancellationToken),
            _ => throw new BadInputException(
                $"The recipe '{recipe.Name}' is an {recipe.Kind} recipe; this build of alc compiles onnx-embedding recipes only.",
                "Build LLMs with an alc that includes the MLC-LLM pipeline, or compile minilm-384."),
        };
    }
}
