using Ava.Compiler.HuggingFace;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class OfflineTests
{
    [Fact]
    public async Task Offline_mode_answers_from_the_cache_without_any_request()
    {
        await using var hub = await HubScenario.StartAsync();
        await hub.FetchAsync();
        hub.Server.Log.Clear();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_HUB_OFFLINE", "1")), "fetch", HubScenario.RepoName, "--include", "*.safetensors", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(hub.Server.Log.Requests);
        var json = run.Json().RootElement;
        Assert.Equal(hub.Commit, json.GetProperty("commit").GetString());
        Assert.True(json.GetProperty("fromCacheOnly").GetBoolean());
        var file = json.GetProperty("files")[0];
        Assert.Equal("model.safetensors", file.GetProperty("path").GetString());
        Assert.Equal(hub.Weights.Sha256, file.GetProperty("sha256").GetString());
        Assert.Equal(hub.Blob(hub.Weights), file.GetProperty("blobPath").GetString());
        Assert.Equal(hub.Weights.Size, file.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Offline_mode_fails_naming_the_files_the_cache_lacks()
    {
        await using var hub = await HubScenario.StartAsync();
        await hub.FetchAsync(request: r => r.WithInclude("config.json"));

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_HUB_OFFLINE", "true")), "fetch", HubScenario.RepoName,
            "--include", "config.json", "--include", "model.safetensors");
        var unknown = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_HUB_OFFLINE", "1")), "fetch", "acme/never-fetched");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("HF_HUB_OFFLINE is set, and the cached snapshot", run.FlatErr());
        Assert.Contains("lacks model.safetensors", run.FlatErr());
        Assert.Contains("Unset HF_HUB_OFFLINE", run.FlatErr());
        Assert.Equal(5, unknown.ExitCode);
        Assert.Contains("has no snapshot of acme/never-fetched@main", unknown.FlatErr());
        Assert.DoesNotContain(hub.Server.Log.Requests, r => r.Path.Contains("never-fetched"));
    }

    [Fact]
    public async Task Offline_mode_after_an_interrupted_download_lists_what_is_missing_and_exits_5()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter("model.safetensors", 150_000);
        await Assert.ThrowsAsync<HubTransferInterruptedException>(() => hub.FetchAsync(hub.Options.WithRetries(0)));
        Assert.True(File.Exists(hub.Blob(hub.Weights) + ".incomplete"));

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_HUB_OFFLINE", "1")), "fetch", HubScenario.RepoName, "--json");

        Assert.Equal(5, run.ExitCode);
        using var doc = run.Json();
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        var problem = doc.RootElement.GetProperty("error").GetProperty("problem").GetString()!;
        Assert.Contains("lacks", problem);
        Assert.Contains("model.safetensors", problem);
    }

    [Fact]
    public async Task Offline_mode_on_a_cache_another_tool_filled_counts_a_cut_short_blob_as_missing()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter("model.safetensors", 150_000);
        await Assert.ThrowsAsync<HubTransferInterruptedException>(() => hub.FetchAsync(hub.Options.WithRetries(0)));
        Directory.Delete(Path.Combine(hub.RepoFolder, ".alc"), recursive: true); // as huggingface_hub leaves it: no listing

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_HUB_OFFLINE", "1")), "fetch", HubScenario.RepoName, "--json");

        Assert.Equal(5, run.ExitCode);
        using var doc = run.Json();
        Assert.Contains($"blobs/{hub.Weights.Etag}.incomplete", doc.RootElement.GetProperty("error").GetProperty("problem").GetString());
    }

    [Fact]
    public async Task An_unreachable_hub_falls_back_to_a_complete_cached_snapshot()
    {
        await using var hub = await HubScenario.StartAsync();
        await hub.FetchAsync();
        var notes = new List<string>();

        var result = await hub.FetchAsync(hub.Options.WithEndpoint("http://127.0.0.1:9").WithRetries(0), observer: new Notes(notes));

        Assert.True(result.FromCacheOnly);
        Assert.Equal(hub.Commit, result.Commit);
        Assert.Equal(4, result.Files.Count);
        Assert.Contains(notes, n => n.Contains("Using the cached snapshot"));
    }

    private sealed class Notes(List<string> notes) : IFetchObserver
    {
        public void Planned(FetchPlan plan) { }
        public void FileStarted(string path, long size, long alreadyPresent) { }
        public void BytesReceived(string path, long bytes) { }
        public void FileFinished(FetchedFile file) { }
        public void Notice(string message) { lock (notes) notes.Add(message); }
    }
}
