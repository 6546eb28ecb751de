using System.Text.Json;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class FetchCommandTests
{
    [Fact]
    public async Task Alc_fetch_prints_one_json_result_with_the_commit_snapshot_and_files()
    {
        await using var hub = await HubScenario.StartAsync();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--include", "*.json", "--json");

        Assert.Equal(0, run.ExitCode);
        var json = run.Json().RootElement;
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(hub.Commit, json.GetProperty("commit").GetString());
        Assert.Equal(Path.Combine(hub.RepoFolder, "snapshots", hub.Commit), json.GetProperty("snapshot").GetString());
        var files = json.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["config.json", "tokenizer.json"], files.Select(f => f.GetProperty("path").GetString()));
        Assert.All(files, f => Assert.Equal("downloaded", f.GetProperty("status").GetString()));
        Assert.Equal(hub.Pointer(hub.Config), files[0].GetProperty("localPath").GetString());
    }

    [Fact]
    public async Task In_ci_each_file_gets_one_quiet_line()
    {
        await using var hub = await HubScenario.StartAsync();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("CI", "true")), "fetch", HubScenario.RepoName);

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("4 of 4 files to download"));
        Assert.Single(lines, l => l.Contains("downloaded") && l.Contains("model.safetensors"));
        Assert.Single(lines, l => l.Contains("downloaded") && l.Contains("onnx/model.onnx"));
        Assert.True(lines.Length <= 7, run.StdErr);

        var again = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("CI", "true")), "fetch", HubScenario.RepoName);
        Assert.Contains("all 4 files are in the cache", again.FlatErr());
        Assert.Single(again.StdErr.Split('\n'), l => l.Contains("cached") && l.Contains("model.safetensors"));
    }

    [Fact]
    public async Task A_gated_repo_without_a_token_says_to_accept_the_license_and_set_HF_TOKEN()
    {
        await using var hub = await HubScenario.StartAsync();
        var gated = hub.Server.AddRepo("google/gemma-3-1b-it");
        gated.Gated = true;
        gated.AllowedToken = "hf_rightTokenValue123";
        gated.Commit("main", Server.ServedFiles.Text("config.json", "{}"));

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", "google/gemma-3-1b-it");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("accept the license at https://huggingface.co/google/gemma-3-1b-it and set HF_TOKEN", run.FlatErr(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTTP 401", run.FlatErr());
    }

    [Fact]
    public async Task A_rejected_token_is_reported_by_its_source_and_never_printed()
    {
        await using var hub = await HubScenario.StartAsync();
        var gated = hub.Server.AddRepo("google/gemma-3-1b-it");
        gated.Gated = true;
        gated.AllowedToken = "hf_rightTokenValue123";
        gated.Commit("main", Server.ServedFiles.Text("config.json", "{}"));

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_TOKEN", "hf_wrongTokenValue456")), "fetch", "google/gemma-3-1b-it", "--json");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("HTTP 403", run.FlatErr());
        Assert.Contains("the token from HF_TOKEN was sent", run.FlatErr());
        Assert.DoesNotContain("hf_wrongTokenValue456", run.StdErr + run.StdOut);
        Assert.Equal("network", run.Json().RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task The_token_file_opens_a_gated_repo_and_is_never_sent_to_the_blob_host()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Repo.Gated = true;
        hub.Repo.AllowedToken = "hf_fromTheTokenFile789";
        var tokenFile = hub.Temp.Write("secrets/hf-token", "hf_fromTheTokenFile789\n");

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(("HF_TOKEN_PATH", tokenFile)), "fetch", HubScenario.RepoName, "--include", "model.safetensors");

        Assert.Equal(0, run.ExitCode);
        var requests = hub.Server.Log.Requests;
        Assert.All(requests.Where(r => !r.BlobHost), r => Assert.Equal("Bearer hf_fromTheTokenFile789", r.Authorization));
        Assert.Contains(requests, r => r.BlobHost);
        Assert.All(requests.Where(r => r.BlobHost), r => Assert.Equal("", r.Authorization));
    }

    [Fact]
    public async Task A_missing_repo_revision_or_file_is_bad_input_naming_what_does_not_exist()
    {
        await using var hub = await HubScenario.StartAsync();

        var repo = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", "acme/no-such-model");
        var revision = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--revision", "v9");
        var file = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--include", "tokenizer.model");
        var id = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", "not a/valid--id");

        Assert.Equal(2, repo.ExitCode);
        Assert.Contains("The repository acme/no-such-model does not exist", repo.FlatErr());
        Assert.Equal(2, revision.ExitCode);
        Assert.Contains("Revision 'v9' does not exist in acme/tiny-model", revision.FlatErr());
        Assert.Equal(2, file.ExitCode);
        Assert.Contains("has no file named tokenizer.model", file.FlatErr());
        Assert.Equal(2, id.ExitCode);
        Assert.Contains("is not a Hugging Face model id", id.FlatErr());
        Assert.Empty(hub.Server.Log.BodyRequests);
    }

    [Fact]
    public async Task A_lost_connection_says_what_was_kept_and_a_rerun_resumes()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter("model.safetensors", 100_000);
        var env = hub.Env(("ALC_FETCH_RETRIES", "0"));

        var cut = await AlcRun.RunAsync(hub.Temp.Path, env, "fetch", HubScenario.RepoName, "--include", "model.safetensors");

        Assert.Equal(5, cut.ExitCode);
        Assert.Contains("after 100000 of 400000 bytes", cut.FlatErr());
        Assert.Contains("kept in " + hub.Blob(hub.Weights) + ".incomplete", cut.FlatErr());
        Assert.Contains("rerun the same command: it resumes", cut.FlatErr());

        var rerun = await AlcRun.RunAsync(hub.Temp.Path, env, "fetch", HubScenario.RepoName, "--include", "model.safetensors", "--json");
        Assert.Equal(0, rerun.ExitCode);
        var file = rerun.Json().RootElement.GetProperty("files")[0];
        Assert.Equal("resumed", file.GetProperty("status").GetString());
        Assert.Equal(300_000, file.GetProperty("bytesTransferred").GetInt64());
    }

    [Fact]
    public async Task An_unreachable_hub_is_a_network_failure_naming_the_endpoint()
    {
        using var temp = new TempDir("hub");
        var env = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = "http://127.0.0.1:9", // discard port: nothing listens there
            ["HF_HUB_CACHE"] = temp["hub"],
            ["ALC_FETCH_RETRIES"] = "0",
        };

        var run = await AlcRun.RunAsync(temp.Path, env, "fetch", "acme/tiny-model");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("Could not reach http://127.0.0.1:9", run.FlatErr());
        Assert.Contains("HF_HUB_OFFLINE=1", run.FlatErr());
    }
}
