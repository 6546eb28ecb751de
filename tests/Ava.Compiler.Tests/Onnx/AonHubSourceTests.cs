using Ava.Compiler.Tests.HuggingFace.Server;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Onnx;

/// <summary>The `hf` source: the model and vocab come from a Hub repo through alc's Hugging Face client and cache.</summary>
public class AonHubSourceTests
{
    [Fact]
    public async Task A_model_file_in_a_Hub_repo_compiles_through_the_HF_cache()
    {
        using var dir = new TempDir("aon-hub");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        await using var server = await HubTestServer.StartAsync();
        var repo = server.AddRepo("alc-tests/tiny-embed");
        repo.Commit("main",
            new ServedFile("onnx/model.onnx", File.ReadAllBytes(model), lfs: true),
            ServedFiles.Text("vocab.txt", File.ReadAllText(vocab)));
        var env = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = server.Endpoint,
            ["HF_HOME"] = dir["hf-home"],
            ["HF_HUB_CACHE"] = dir["hub"],
            ["ALC_FETCH_RETRIES"] = "1",
        };

        var result = await AlcRun.RunAsync(dir.Path, env,
            ["compile", "tiny-embed", "--source", "hf", "--recipes", TinyEmbedder.Recipes(dir, model, vocab), "--json"]);

        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        var source = result.Json().RootElement.GetProperty("report").GetProperty("source");
        Assert.StartsWith("hf:alc-tests/tiny-embed@main/onnx/model.onnx", source.GetProperty("origin").GetString());
        Assert.True(File.Exists(dir["dist/models/AVA-016-Tiny-INT8.AON"]));
        Assert.True(Directory.Exists(dir["hub/models--alc-tests--tiny-embed"]));
    }

    [Fact]
    public async Task A_Hub_repo_without_the_model_file_is_bad_input()
    {
        using var dir = new TempDir("aon-hub");
        var (model, vocab) = TinyEmbedder.Write(dir.Path);
        await using var server = await HubTestServer.StartAsync();
        server.AddRepo("alc-tests/tiny-embed").Commit("main", ServedFiles.Text("vocab.txt", File.ReadAllText(vocab)));
        var env = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.Endpoint, ["HF_HOME"] = dir["hf-home"], ["HF_HUB_CACHE"] = dir["hub"], ["ALC_FETCH_RETRIES"] = "1" };

        var result = await AlcRun.RunAsync(dir.Path, env,
            ["compile", "tiny-embed", "--source", "hf", "--recipes", TinyEmbedder.Recipes(dir, model, vocab), "--json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("onnx/model.onnx", result.StdOut);
        Assert.False(Directory.Exists(dir["dist"]));
    }
}
