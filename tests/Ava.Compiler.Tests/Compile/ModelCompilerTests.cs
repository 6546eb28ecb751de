using Ava.Compiler.Errors;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Compile;
using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>The one compile entry both shells use: its checks, worded for the shell that asked.</summary>
public class ModelCompilerTests
{
    private static CompileRequest Request(TempDir dir, string recipe = "gemma3-1b") =>
        new(recipe, RepoPaths.Combine("recipes"), CompileFolders.For(dir.Path, new Dictionary<string, string>()), dir.Path, new Dictionary<string, string>());

    [Theory]
    [InlineData("android")]
    [InlineData("android-arm64")]
    public void Both_android_target_ids_are_accepted(string target)
    {
        using var dir = new TempDir("mc");
        Assert.Contains(target, ModelCompiler.Targets);
        Assert.Equal("gemma3-1b", ModelCompiler.Load(Request(dir).WithTarget(target)).Name);
    }

    [Fact]
    public void A_target_outside_the_list_is_refused_with_the_fix_in_the_words_of_the_shell_that_asked()
    {
        using var dir = new TempDir("mc");
        var cli = Assert.Throws<BadInputException>(() => ModelCompiler.Load(Request(dir).WithTarget("macos-arm64")));
        Assert.Equal("Unknown target 'macos-arm64'.", cli.Problem);
        Assert.StartsWith("Use --target android ", cli.Fix);
        var action = Assert.Throws<BadInputException>(() => ModelCompiler.Load(Request(dir).WithTarget("macos-arm64").WithNames(InputNames.Workflow)));
        Assert.StartsWith("Set 'target: android' ", action.Fix);
        Assert.Equal(2, (int)action.ExitCode);
    }

    [Fact]
    public void A_reserved_recipe_is_refused_before_anything_is_resolved()
    {
        using var dir = new TempDir("mc");
        var e = Assert.Throws<BadInputException>(() => ModelCompiler.Load(Request(dir, "gemma3n-e4b")));
        Assert.Contains("cannot be built yet", e.Problem);
        Assert.False(Directory.Exists(dir["build"]));
    }

    [Fact]
    public async Task A_quantization_given_for_an_embedding_recipe_is_refused_by_alc_as_by_the_Action()
    {
        using var dir = new TempDir("mc");
        var r = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "compile", "minilm-384", "--quantization", "q4f16_1", "--recipes", RepoPaths.Combine("recipes"), "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--quantization 'q4f16_1' applies to LLM recipes", r.StdOut);
        Assert.Contains("Drop --quantization for this model.", r.StdOut);
        Assert.False(Directory.Exists(dir["dist"]));
        var action = await Assert.ThrowsAsync<BadInputException>(() => ModelCompiler.RunAsync(
            Request(dir, "minilm-384").WithQuantization("q4f16_1").WithNames(InputNames.Workflow), NullReporter.Instance));
        Assert.Equal("Remove the 'quantization' input for this model.", action.Fix);
    }
}
