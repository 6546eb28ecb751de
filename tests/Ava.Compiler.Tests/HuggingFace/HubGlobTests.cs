using Ava.Compiler.HuggingFace;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class HubGlobTests
{
    [Theory]
    [InlineData("*.json", "config.json", true)]
    [InlineData("*.json", "onnx/config.json", true)] // fnmatch: '*' crosses '/'
    [InlineData("onnx/*", "onnx/model.onnx", true)]
    [InlineData("onnx/", "onnx/sub/model.onnx", true)] // a trailing '/' means the whole folder
    [InlineData("onnx/", "onnx.json", false)]
    [InlineData("model-?????-of-?????.safetensors", "model-00001-of-00002.safetensors", true)]
    [InlineData("[!t]*.json", "tokenizer.json", false)]
    [InlineData("[!t]*.json", "config.json", true)]
    [InlineData("[ab].bin", "a.bin", true)]
    [InlineData("*.JSON", "config.json", false)] // case-sensitive, as fnmatchcase
    [InlineData("a+b(1).txt", "a+b(1).txt", true)]
    [InlineData("onnx\\model.onnx", "onnx/model.onnx", true)]
    public void Patterns_match_like_python_fnmatchcase(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new HubGlob(pattern).Matches(path));

    [Fact]
    public void A_pattern_without_wildcards_names_one_required_file()
    {
        Assert.True(new HubGlob("tokenizer.model").IsLiteral);
        Assert.False(new HubGlob("*.model").IsLiteral);
        Assert.False(new HubGlob("onnx/").IsLiteral);
    }
}
