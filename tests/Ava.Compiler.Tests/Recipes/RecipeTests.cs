using Ava.Compiler.Errors;
using Ava.Compiler.Recipes;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Recipes;

public class RecipeTests
{
    private static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();

    private const string Valid = """
        schema: 1
        name: tiny
        kind: llm
        ava: { code: GE3, size: 1B }
        source: { hf_repo: google/gemma-3-1b-it, revision: main }
        llm:
          model_type: gemma3_text
          conv_template: gemma3_instruction
          quantization: q4f16_1
          quantizations: [q4f16_1, q0f16]
          device_memory_mb: 2048
        """;

    private static string Recipes(TempDir dir, string yaml, string name = "tiny")
    {
        dir.Write($"recipes/{name}.yml", yaml);
        return dir["recipes"];
    }

    [Fact]
    public async Task The_shipped_recipes_pass_the_check_and_gemma3n_is_listed_as_reserved()
    {
        var r = await AlcRun.RunAsync(RepoPaths.Root, NoEnv, "recipes", "check", "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json().RootElement;
        Assert.True(json.GetProperty("checkedRecipes").GetInt32() >= 4);
        var reserved = json.GetProperty("reserved").EnumerateArray().ToList();
        Assert.Contains(reserved, x => x.GetProperty("recipe").GetString() == "gemma3n-e4b" && x.GetProperty("reason").GetString()!.Contains("mlc-llm#3271"));
    }

    [Fact]
    public async Task The_list_shows_the_spec_names_for_the_default_builds()
    {
        var r = await AlcRun.RunAsync(RepoPaths.Root, NoEnv, "recipes", "list", "--json");
        Assert.Equal(0, r.ExitCode);
        var names = r.Json().RootElement.GetProperty("recipes").EnumerateArray()
            .ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("avaName").GetString());
        Assert.Equal("AVA-GE3-4B16", names["gemma3-4b"]);
        Assert.Equal("AVA-GE2-2B16", names["gemma2-2b"]);
        Assert.Equal("AVA-GE3-1B16", names["gemma3-1b"]);
        Assert.Equal("AVA-G4N-4B16", names["gemma3n-e4b"]);
        Assert.Equal("AVA-384-Base-INT8", names["minilm-384"]);
    }

    [Theory]
    [InlineData("model_type: gemma3_text", "model_type: llama9", "model_type 'llama9' is not one alc knows")]
    [InlineData("quantizations: [q4f16_1, q0f16]", "quantizations: [q4f16_1, q4f16_autoawq]", "quantization 'q4f16_autoawq' cannot be built")]
    [InlineData("quantizations: [q4f16_1, q0f16]", "quantizations: [q4f16_1, q8f16_1]", "no 8-bit weight quantization")]
    [InlineData("conv_template: gemma3_instruction", "conv_template: gemma4_chat", "conv_template 'gemma4_chat'")]
    public async Task Check_names_each_fact_a_recipe_gets_wrong(string from, string to, string expected)
    {
        using var dir = new TempDir();
        var recipes = Recipes(dir, Valid.Replace(from, to));
        var r = await AlcRun.RunAsync(dir.Path, NoEnv, "recipes", "check", "--recipes", recipes);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr.Replace("\n", " "));
    }

    [Theory]
    [InlineData("schema: 1", "schema: 2", "'schema' must be 1")]
    [InlineData("name: tiny", "name: other", "'name' is 'other' but the file is tiny.yml")]
    [InlineData("device_memory_mb: 2048", "device_memory_mb: 2048\n  context_windw: 5", "line")]
    [InlineData("kind: llm", "kind: vision", "'kind' must be")]
    [InlineData("  quantization: q4f16_1\n", "  quantization: q4bf16_1\n", "must be listed")]
    public void Schema_mistakes_are_bad_input_naming_the_file(string from, string to, string expected)
    {
        using var dir = new TempDir();
        Recipes(dir, Valid.Replace(from, to));
        var e = Assert.Throws<BadInputException>(() => RecipeLoader.LoadFile(dir["recipes/tiny.yml"]));
        Assert.Contains(expected, e.Problem);
        Assert.Contains("tiny.yml", e.Problem);
    }

    [Fact]
    public void An_onnx_embedding_recipe_loads_with_its_own_section_kept_as_data()
    {
        using var dir = new TempDir();
        Recipes(dir, """
            schema: 1
            name: minilm-384
            kind: onnx-embedding
            ava: { code: "384", size: Base }
            source: { hf_repo: sentence-transformers/all-MiniLM-L6-v2 }
            onnx:
              opset: 17
            """, "minilm-384");
        var r = RecipeLoader.LoadFile(dir["recipes/minilm-384.yml"]);
        Assert.Equal(Recipe.KindOnnxEmbedding, r.Kind);
        Assert.Null(r.Llm);
        Assert.Equal("17", r.Onnx!["opset"]?.ToString());
        Assert.Empty(RecipeChecker.Check([r]));
    }

    [Fact]
    public void Building_q8f16_1_or_gemma3n_stops_with_the_upstream_reason()
    {
        var recipes = RepoPaths.Combine("recipes");
        var q8 = Assert.Throws<BadInputException>(() => RecipeChecker.EnsureBuildable(RecipeLoader.Load(recipes, "gemma3-4b"), "q8f16_1"));
        Assert.Contains("no 8-bit weight quantization", q8.Problem);
        Assert.Contains("Nothing was downloaded", q8.Fix);
        var g4n = Assert.Throws<BadInputException>(() => RecipeChecker.EnsureBuildable(RecipeLoader.Load(recipes, "gemma3n-e4b"), "q4f16_1"));
        Assert.Contains("mlc-llm#3271", g4n.Problem);
    }

    [Fact]
    public async Task An_unknown_recipe_name_lists_the_known_ones()
    {
        var r = await AlcRun.RunAsync(RepoPaths.Root, NoEnv, "recipes", "show", "gemma9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("gemma3-4b", r.StdErr);
    }
}
