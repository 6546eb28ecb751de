using System.Text.Json;
using Ava.Compiler.Tests.Compile;
using Ava.Compiler.Tests.HuggingFace;
using Ava.Compiler.Tests.HuggingFace.Server;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Cli;

/// <summary>
/// The LLM plan tells the whole story (source repo@revision and the commit once fetched, each stage's action on one line,
/// every file under its AVA name, context/prefill/memory), and the plan and fetch screens at 80 columns on a terminal and
/// redirected never split a command or a path.
/// </summary>
public sealed class PlanAndFetchScreenTests
{
    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n');

    private static void OnOneLine(string text, string screen) =>
        Assert.True(Lines(screen).Any(l => l.Contains(text, StringComparison.Ordinal)), $"'{text}' is not on one line of:\n{screen}");

    private static string[] PlanArgs(params string[] extra) =>
        ["compile", "gemma3-1b", "--plan", "--recipes", RepoPaths.Combine("recipes"), .. extra];

    /// <summary>The stand-in Hub serving a tiny Gemma 3 model as google/gemma-3-1b-it (the recipe's repo).</summary>
    private static async Task<(HubScenario Hub, string Commit)> GemmaHubAsync()
    {
        var hub = await HubScenario.StartAsync();
        var model = TinyGemma.Create(hub.Temp["tiny-gemma"]);
        var files = Directory.GetFiles(model).Order(StringComparer.Ordinal)
            .Select(f => new ServedFile(Path.GetFileName(f), File.ReadAllBytes(f), lfs: f.EndsWith(".safetensors", StringComparison.Ordinal)))
            .ToArray();
        var commit = hub.Server.AddRepo("google/gemma-3-1b-it").Commit("main", files);
        return (hub, commit);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task The_plan_names_repo_and_revision_each_stage_on_one_line_and_every_file_under_its_AVA_name(int? width)
    {
        using var dir = new TempDir();
        var json = await AlcRun.RunAsync(dir.Path, null, (int?)null, PlanArgs("--json"));
        var human = await AlcRun.RunAsync(dir.Path, null, width, PlanArgs());

        Assert.True(human.ExitCode == 0, human.StdErr);
        var plan = json.Json().RootElement.GetProperty("plan");
        var source = plan.GetProperty("source");
        Assert.Equal("google/gemma-3-1b-it", source.GetProperty("repo").GetString());
        Assert.Equal("main", source.GetProperty("revision").GetString());
        Assert.False(source.TryGetProperty("commit", out _), "a commit was claimed without a cached snapshot");
        OnOneLine("source: google/gemma-3-1b-it@main, not in the Hub cache yet", human.StdErr);

        foreach (var stage in plan.GetProperty("stages").EnumerateArray())
        {
            var action = stage.GetProperty("action").GetString()!;
            Assert.False(string.IsNullOrEmpty(action), stage.GetProperty("name").GetString());
            // A command is on one line whatever the width; prose may wrap on a terminal, but never redirected.
            if (stage.GetProperty("actionKind").GetString() == "tool" || width is null) OnOneLine(action, human.StdErr);
        }
        var files = plan.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToList();
        foreach (var name in new[] { "AVALibrary.ADco", "AVA-GE3-1B16.ADco", "AVA-GE3-1B16.ALM", "AVA-GE3-1B16.json", "mlc-chat-config.json" })
            Assert.Contains(files, f => Path.GetFileName(f) == name);
        Assert.Contains(Path.Combine(dir.Path, "dist", "models", "llm", "AVA-GE3-1B16", "AVALibrary.ADco"), files);
        foreach (var f in files) OnOneLine("    " + f, human.StdErr);
        OnOneLine("memory: context planned from config.json once it is fetched, prefill", human.StdErr);
        Assert.False(Directory.Exists(dir["build"]), "--plan wrote build/");
    }

    [Fact]
    public async Task Once_fetched_the_plan_names_the_resolved_commit_the_cached_snapshot_and_the_memory_plan()
    {
        var (hub, commit) = await GemmaHubAsync();
        await using var _ = hub;
        var env = hub.Env();

        var before = await AlcRun.RunAsync(hub.Temp.Path, env, PlanArgs("--json"));
        Assert.False(before.Json().RootElement.GetProperty("plan").GetProperty("source").TryGetProperty("commit", out var _c));
        var fetch = await AlcRun.RunAsync(hub.Temp.Path, env, "fetch", "google/gemma-3-1b-it", "--quiet");
        Assert.True(fetch.ExitCode == 0, fetch.StdErr);
        var after = await AlcRun.RunAsync(hub.Temp.Path, env, PlanArgs("--json"));
        var human = await AlcRun.RunAsync(hub.Temp.Path, env, 80, PlanArgs());

        var plan = after.Json().RootElement.GetProperty("plan");
        var source = plan.GetProperty("source");
        Assert.Equal(commit, source.GetProperty("commit").GetString());
        Assert.Equal(fetch.StdOut.Trim(), source.GetProperty("modelDirectory").GetString());
        var memory = plan.GetProperty("memoryPlan");
        Assert.True(memory.GetProperty("contextWindowSize").GetInt32() > 0);
        Assert.Equal(memory.GetProperty("contextWindowSize").GetInt32(), plan.GetProperty("contextWindowSize").GetInt32());
        // The tokenizer files the snapshot really has, not MLC's whole list.
        var files = plan.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString()!)).ToList();
        Assert.Contains("tokenizer.json", files);
        Assert.DoesNotContain("vocab.json", files);
        Assert.DoesNotContain(files, f => f.Contains('{'));
        var configure = plan.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "configure");
        Assert.Contains(fetch.StdOut.Trim(), configure.GetProperty("command").GetString());

        Assert.Contains($"google/gemma-3-1b-it@main = commit {commit}", string.Join(" ", Lines(human.StdErr).Select(l => l.Trim())));
        OnOneLine(fetch.StdOut.Trim(), human.StdErr);
        Assert.Matches(@"memory: context \d+, prefill \d+; estimated \d+ MiB", human.StdErr);
    }

    [Fact]
    public async Task A_cached_ref_without_the_snapshots_config_is_not_taken_for_a_fetched_model()
    {
        using var dir = new TempDir();
        var repo = dir["hub/models--google--gemma-3-1b-it"];
        var commit = new string('a', 40);
        dir.Write("hub/models--google--gemma-3-1b-it/refs/main", commit);
        Directory.CreateDirectory(Path.Combine(repo, "snapshots", commit));
        var env = new Dictionary<string, string> { ["HF_HUB_CACHE"] = dir["hub"] };

        var r = await AlcRun.RunAsync(dir.Path, env, (int?)null, PlanArgs("--json"));

        Assert.True(r.ExitCode == 0, r.StdErr);
        var plan = r.Json().RootElement.GetProperty("plan");
        Assert.False(plan.GetProperty("source").TryGetProperty("commit", out _));
        Assert.False(plan.TryGetProperty("memoryPlan", out _));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task Fetch_screens_keep_the_path_and_every_file_name_whole(int? width)
    {
        await using var hub = await HubScenario.StartAsync();
        var local = hub.Temp["a-rather-long-folder-name-for-the-local-copy/of-the-tiny-model-used-by-this-test"];

        var dry = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), width, "fetch", HubScenario.RepoName, "--dry-run");
        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), width, "fetch", HubScenario.RepoName, "--local-dir", local);

        Assert.True(dry.ExitCode == 0, dry.StdErr);
        OnOneLine("[dry-run] acme/tiny-model@main", dry.StdOut);
        foreach (var f in new[] { "config.json", "tokenizer.json", "model.safetensors", "onnx/model.onnx" })
            Assert.Contains(Lines(dry.StdOut), l => l.StartsWith(f + " ", StringComparison.Ordinal));
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal([local, ""], Lines(run.StdOut));
        OnOneLine("copied into " + local, run.StdErr);
    }
}
