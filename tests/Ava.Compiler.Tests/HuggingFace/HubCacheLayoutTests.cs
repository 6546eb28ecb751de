using Ava.Compiler.HuggingFace;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class HubCacheLayoutTests
{
    [Fact]
    public async Task I_can_fetch_a_repo_into_the_exact_huggingface_hub_cache_layout()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync();

        Assert.Equal(hub.Commit, result.Commit);
        Assert.Equal(Path.Combine(hub.RepoFolder, "snapshots", hub.Commit), result.SnapshotFolder);
        Assert.Equal(hub.Commit, File.ReadAllText(Path.Combine(hub.RepoFolder, "refs", "main")));

        // huggingface_hub's rules: blobs named by sha256 for LFS files and by git blob id otherwise; snapshot entries
        // are relative links, one "../" per folder level below the snapshot.
        Assert.Equal("../../blobs/" + hub.Config.GitSha1, new FileInfo(hub.Pointer(hub.Config)).LinkTarget);
        Assert.Equal("../../blobs/" + hub.Tokenizer.GitSha1, new FileInfo(hub.Pointer(hub.Tokenizer)).LinkTarget);
        Assert.Equal("../../blobs/" + hub.Weights.Sha256, new FileInfo(hub.Pointer(hub.Weights)).LinkTarget);
        Assert.Equal("../../../blobs/" + hub.Onnx.Sha256, new FileInfo(hub.Pointer(hub.Onnx)).LinkTarget);

        foreach (var served in new[] { hub.Config, hub.Tokenizer, hub.Weights, hub.Onnx })
        {
            using var expected = served.Open();
            Assert.Equal(ReadAll(expected), File.ReadAllBytes(hub.Pointer(served)));
            Assert.True(File.Exists(Path.Combine(hub.CacheDir, ".locks", "models--acme--tiny-model", served.Etag + ".lock")));
            var file = result.File(served.Path)!;
            Assert.Equal(FileStatus.Downloaded, file.Status);
            Assert.Equal(hub.Pointer(served), file.LocalPath);
            Assert.Equal(hub.Blob(served), file.BlobPath);
            Assert.Equal(served.Size, file.Size);
            Assert.Equal(served.Lfs ? served.Sha256 : null, file.Sha256);
        }
        Assert.Equal(
            new[] { hub.Config.GitSha1, hub.Onnx.Sha256, hub.Tokenizer.GitSha1, hub.Weights.Sha256 }.Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(Path.Combine(hub.RepoFolder, "blobs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_fetch_makes_no_request_for_file_bodies()
    {
        await using var hub = await HubScenario.StartAsync();
        await hub.FetchAsync();
        hub.Server.Log.Clear();

        var again = await hub.FetchAsync();

        Assert.All(again.Files, f => Assert.Equal(FileStatus.Cached, f.Status));
        Assert.Empty(hub.Server.Log.BodyRequests);
        Assert.Equal(0, again.BytesTransferred);
        // Only the revision lookup: files whose snapshot entry exists need no metadata either.
        Assert.Equal(["GET"], hub.Server.Log.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_blob_already_in_the_cache_for_another_commit_is_linked_not_downloaded()
    {
        await using var hub = await HubScenario.StartAsync();
        await hub.FetchAsync();
        var next = hub.Repo.Commit("main", hub.Config, hub.Weights, Server.ServedFiles.Text("README.md", "# tiny"));
        hub.Server.Log.Clear();

        var result = await hub.FetchAsync();

        Assert.Equal(next, result.Commit);
        Assert.Equal(FileStatus.Cached, result.File("model.safetensors")!.Status);
        Assert.Equal(FileStatus.Downloaded, result.File("README.md")!.Status);
        Assert.Equal(0, hub.Server.Log.BodyBytes("model.safetensors"));
        Assert.Equal(next, File.ReadAllText(Path.Combine(hub.RepoFolder, "refs", "main")));
        Assert.Equal("../../blobs/" + hub.Weights.Sha256, new FileInfo(Path.Combine(hub.RepoFolder, "snapshots", next, "model.safetensors")).LinkTarget);
    }

    [Fact]
    public async Task Include_and_exclude_patterns_follow_huggingface_hub_rules()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync(request: r => r.WithInclude("*.json", "onnx/").WithExclude("tokenizer*"));

        Assert.Equal(["config.json", "onnx/model.onnx"], result.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(0, hub.Server.Log.BodyBytes("model.safetensors"));
    }

    [Fact]
    public async Task Required_files_must_exist_while_includes_that_match_nothing_are_unused()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync(request: r => r.WithRequired("config.json").WithInclude("onnx/model.onnx", "onnx/model.onnx_data"));
        var missing = await Assert.ThrowsAsync<HubNotFoundException>(() => hub.FetchAsync(request: r => r.WithRequired("config.json", "tokenizer.model")));

        Assert.Equal(["config.json", "onnx/model.onnx"], result.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Contains("has no file named tokenizer.model", missing.Problem);
        Assert.Equal(2, (int)missing.ExitCode);
    }

    [Fact]
    public async Task Required_files_alone_fetch_only_those_files()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync(request: r => r.WithRequired("tokenizer.json"));

        Assert.Equal(["tokenizer.json"], result.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task A_commit_id_as_revision_needs_no_ref()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync(request: r => r.WithRevision(hub.Commit).WithRequired("config.json"));

        Assert.Equal(hub.Commit, result.Commit);
        Assert.False(Directory.Exists(Path.Combine(hub.RepoFolder, "refs")));
    }

    private static byte[] ReadAll(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
