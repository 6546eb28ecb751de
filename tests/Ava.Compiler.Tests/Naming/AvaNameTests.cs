using Ava.Compiler.Errors;
using Ava.Compiler.Naming;
using Ava.Compiler.Recipes;
using Ava.Compiler.Toolchain.Mlc;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Naming;

public class AvaNameTests
{
    [Theory]
    [InlineData("GE3", "4B", "q4f16_1", "AVA-GE3-4B16")]
    [InlineData("GE2", "2B", "q4f16_1", "AVA-GE2-2B16")]
    [InlineData("G4N", "4B", "q4f16_1", "AVA-G4N-4B16")]
    [InlineData("GE3", "4B", "q4f16_0", "AVA-GE3-4B16-L0")]
    [InlineData("GE3", "4B", "q4bf16_1", "AVA-GE3-4B16-BF")]
    [InlineData("GE3", "4B", "q4bf16_0", "AVA-GE3-4B16-BF-L0")]
    [InlineData("GE3", "4B", "q0f16", "AVA-GE3-4B16-W16")]
    [InlineData("GE3", "4B", "q0bf16", "AVA-GE3-4B16-W16-BF")]
    [InlineData("GE3", "4B", "q8f16_1", "AVA-GE3-4B16-W8")]
    [InlineData("GE3", "4B", "q3f16_1", "AVA-GE3-4B16-W3")]
    [InlineData("GE3", "4B", "q4f32_1", "AVA-GE3-4B32")]
    [InlineData("GE3", "4B", "q0f32", "AVA-GE3-4B32-W32")]
    [InlineData("GE3", "270M", "q4f16_2", "AVA-GE3-270M16-L2")]
    public void Each_quantization_has_one_name_that_parses_back(string code, string size, string quant, string expected)
    {
        var name = AvaName.For(code, size, quant);
        Assert.Equal(expected, name.Value);
        Assert.Equal(expected + ".ADco", name.DeviceCodeFile);
        Assert.Equal(expected + ".ALM", name.PackageFile);

        var back = AvaName.Parse(expected);
        Assert.Equal((code, size, quant), (back.Code, back.Size, back.Quantization));
    }

    [Theory]
    [InlineData("AVA-GE3-4B")]
    [InlineData("AVA-GE3-4B16-L1")]
    [InlineData("AVA-GE3-4B16-W4")]
    [InlineData("AVA-GE3-4B16-W16-L0")]
    [InlineData("AVA-ge3-4B16")]
    [InlineData("AVA-GE3-4B16-BF-W8")]
    [InlineData("AVA-384-Base-INT8")]
    public void Names_outside_the_rule_do_not_parse(string text) => Assert.False(AvaName.TryParse(text, out _));

    [Theory]
    [InlineData("q4f16_autoawq")]
    [InlineData("q4f16")]
    [InlineData("q0f16_1")]
    [InlineData("e4m3_e4m3_f16")]
    public void Quantizations_the_rule_cannot_name_are_refused_with_the_reason(string quant) =>
        Assert.Throws<BadInputException>(() => AvaName.For("GE3", "4B", quant));

    [Fact]
    public void No_two_recipe_and_quantization_pairs_share_a_name_even_with_every_MLC_quantization()
    {
        var recipes = RecipeLoader.LoadAll(RepoPaths.Combine("recipes")).Where(r => r.Llm is not null).ToList();
        Assert.True(recipes.Count >= 4);
        var nameable = MlcCatalog.Quantizations.Keys.Concat(MlcCatalog.MissingQuantizations.Keys)
            .Where(q => { try { AvaName.For("GE3", "4B", q); return true; } catch (BadInputException) { return false; } })
            .ToList();
        Assert.Contains("q8f16_1", nameable);

        var seen = new Dictionary<string, string>();
        foreach (var r in recipes)
        foreach (var q in nameable.Concat(r.Llm!.Quantizations).Distinct())
        {
            var name = AvaName.For(r.Code, r.Size, q);
            Assert.True(seen.TryAdd(name.Value, $"{r.Name} {q}"), $"{name.Value}: {r.Name} {q} collides with {seen.GetValueOrDefault(name.Value)}");
            Assert.Equal(q, AvaName.Parse(name.Value).Quantization);
        }
    }
}
