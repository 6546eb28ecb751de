using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.HuggingFace;

/// <summary>
/// `alc fetch` on par with `hf download` (huggingface/huggingface_hub@002a326f:src/huggingface_hub/cli/download.py),
/// against the stand-in Hub: positional names, --local-dir, --cache-dir, --dry-run, --quiet, the path on stdout, and a
/// token that never comes from the command line.
/// </summary>
public sealed class FetchLikeHfDownloadTests
{
    private static byte[] Bytes(Server.ServedFile f)
    {
        using var s = f.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task One_file_name_fetches_only_that_file_and_prints_its_path_on_stdout()
    {
        await using var hub = await HubScenario.StartAsync();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "config.json");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(hub.Pointer(hub.Config) + "\n", run.StdOut.Replace("\r", ""));
        Assert.Contains("1 files, 1 downloaded", run.StdErr);
        Assert.False(File.Exists(hub.Blob(hub.Weights)), "a file that was not named was downloaded");
    }

    [Fact]
    public async Task Several_names_and_a_folder_fetch_exactly_those_and_print_the_snapshot_folder()
    {
        await using var hub = await HubScenario.StartAsync();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "config.json", "onnx/", "--json");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var json = run.Json().RootElement;
        Assert.Equal(["config.json", "onnx/model.onnx"], json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Equal(Path.Combine(hub.RepoFolder, "snapshots", hub.Commit), json.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_name_the_repo_lacks_fails_and_a_folder_with_include_is_refused()
    {
        await using var hub = await HubScenario.StartAsync();

        var missing = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "tokenizer.model");
        var folderAndInclude = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "onnx/", "--include", "*.json");
        var namesAndInclude = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "config.json", "--include", "*.safetensors");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("has no file named tokenizer.model", missing.FlatErr());
        Assert.Equal("", missing.StdOut);
        Assert.Equal(2, folderAndInclude.ExitCode);
        Assert.Contains("--include 'onnx/*'", folderAndInclude.FlatErr());
        // hf download's rule: with file names, the patterns are ignored, and a note says so.
        Assert.Equal(0, namesAndInclude.ExitCode);
        Assert.Contains("--include and --exclude are ignored because file names were given", namesAndInclude.StdErr);
        Assert.False(File.Exists(hub.Blob(hub.Weights)));
    }

    [Fact]
    public async Task Quiet_prints_only_the_path_and_nothing_on_stderr()
    {
        await using var hub = await HubScenario.StartAsync();

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--include", "*.json", "--quiet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Path.Combine(hub.RepoFolder, "snapshots", hub.Commit) + "\n", run.StdOut.Replace("\r", ""));
        Assert.Equal("", run.StdErr);
    }

    [Fact]
    public async Task Local_dir_holds_real_files_with_huggingface_hubs_metadata_and_an_unchanged_file_is_not_copied_again()
    {
        await using var hub = await HubScenario.StartAsync();
        var local = hub.Temp["local/tiny"];

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--local-dir", "local/tiny");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(local + "\n", run.StdOut.Replace("\r", ""));
        foreach (var f in new[] { hub.Config, hub.Tokenizer, hub.Weights, hub.Onnx })
        {
            var copy = Path.Combine([local, .. f.Path.Split('/')]);
            Assert.Null(new FileInfo(copy).LinkTarget);
            Assert.Equal(Bytes(f), File.ReadAllBytes(copy));
            var meta = File.ReadAllLines(Path.Combine([local, ".cache", "huggingface", "download", .. f.Path.Split('/')]) + ".metadata");
            Assert.Equal(hub.Commit, meta[0]);
            Assert.Equal(f.Etag, meta[1]);
            Assert.Matches(@"^\d+\.\d+$", meta[2]);
        }
        Assert.Equal("*", File.ReadAllText(Path.Combine(local, ".cache", "huggingface", ".gitignore")));
        // Editing the copy never touches the cache.
        var weights = Path.Combine(local, "model.safetensors");
        File.WriteAllText(weights, "edited");
        Assert.Equal(Bytes(hub.Weights), File.ReadAllBytes(hub.Blob(hub.Weights)));

        var configCopy = Path.Combine(local, "config.json");
        var before = File.GetLastWriteTimeUtc(configCopy);
        File.SetLastWriteTimeUtc(configCopy, before.AddSeconds(-30)); // older than its metadata: unchanged
        var again = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--local-dir", "local/tiny");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(before.AddSeconds(-30), File.GetLastWriteTimeUtc(configCopy));
        // The edited file is newer than its metadata and of another size: it is copied again.
        Assert.Equal(Bytes(hub.Weights), File.ReadAllBytes(weights));
    }

    [Fact]
    public async Task Cache_dir_replaces_the_cache_and_is_refused_with_local_dir()
    {
        await using var hub = await HubScenario.StartAsync();
        var other = hub.Temp["other-cache"];

        var run = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "config.json", "--cache-dir", "other-cache", "--quiet");
        var both = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--cache-dir", "other-cache", "--local-dir", "x");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Path.Combine(other, "models--acme--tiny-model", "snapshots", hub.Commit, "config.json"), run.StdOut.Trim());
        Assert.False(Directory.Exists(hub.RepoFolder), "the default cache was used despite --cache-dir");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--local-dir and --cache-dir were both given", both.FlatErr());
    }

    [Fact]
    public async Task Dry_run_lists_sizes_downloads_nothing_and_leaves_out_what_the_cache_has()
    {
        await using var hub = await HubScenario.StartAsync();

        var dry = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.StdErr);
        Assert.Empty(hub.Server.Log.BodyRequests);
        Assert.False(Directory.Exists(hub.RepoFolder), "a dry run wrote into the cache");
        var lines = dry.StdOut.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"[dry-run] {HubScenario.RepoName}@main (commit {hub.Commit[..12]}): will download 4 files (out of 4) totalling ", lines[0]);
        Assert.Matches(@"^model\.safetensors\s+390\.6 KiB$", lines.Single(l => l.StartsWith("model.safetensors", StringComparison.Ordinal)));

        Assert.Equal(0, (await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "model.safetensors", "--quiet")).ExitCode);
        var after = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--dry-run", "--json");
        var json = after.Json().RootElement;
        Assert.Equal(3, json.GetProperty("filesToDownload").GetInt32());
        var weights = json.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "model.safetensors");
        Assert.False(weights.GetProperty("willDownload").GetBoolean());
        Assert.Equal(400_000, weights.GetProperty("size").GetInt64());
        Assert.Equal(hub.Config.Size + hub.Tokenizer.Size + hub.Onnx.Size, json.GetProperty("bytesToDownload").GetInt64());
    }

    [Fact]
    public async Task A_token_on_the_command_line_is_refused_without_echoing_it_and_help_says_why()
    {
        await using var hub = await HubScenario.StartAsync();

        var spaced = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--token", "hf_secretOnTheCommandLine1");
        var inline = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--token=hf_secretOnTheCommandLine2");
        var help = await AlcRun.RunAsync("help", "fetch");

        foreach (var r in new[] { spaced, inline })
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("shell history", r.FlatErr());
            Assert.Contains("--token-file FILE", r.FlatErr());
            Assert.DoesNotContain("hf_secretOnTheCommandLine", r.StdErr + r.StdOut);
        }
        Assert.Empty(hub.Server.Log.Requests);
        var flat = string.Join(" ", help.StdOut.Split('\n').Select(l => l.Trim()));
        Assert.Contains("never from a value on the command line (there is no --token)", flat);
        Assert.Contains("process list", flat);
    }

    [Fact]
    public async Task The_token_file_option_opens_a_gated_repo_and_an_empty_one_is_bad_input()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Repo.Gated = true;
        hub.Repo.AllowedToken = "hf_fromTheOptionFile321";
        var tokenFile = hub.Temp.Write("secrets/token", "hf_fromTheOptionFile321\n");
        var empty = hub.Temp.Write("secrets/empty", "\n");

        var ok = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "config.json", "--token-file", "secrets/token");
        var bad = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--token-file", empty);
        var none = await AlcRun.RunAsync(hub.Temp.Path, hub.Env(), "fetch", HubScenario.RepoName, "--token-file", "secrets/absent");

        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.Contains(hub.Server.Log.Requests, r => r.Authorization == "Bearer hf_fromTheOptionFile321");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"The token file {empty} is empty", bad.FlatErr());
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("cannot be read", none.FlatErr());
    }
}
