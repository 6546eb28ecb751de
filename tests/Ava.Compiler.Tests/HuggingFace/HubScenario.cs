using Ava.Compiler.HuggingFace;
using Ava.Compiler.Tests.HuggingFace.Server;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.HuggingFace;

/// <summary>A running test Hub with one small model repo, and a fresh cache folder.</summary>
public sealed class HubScenario : IAsyncDisposable
{
    public const string RepoName = "acme/tiny-model";

    private HubScenario(HubTestServer server, TempDir temp)
    {
        Server = server;
        Temp = temp;
        Repo = server.AddRepo(RepoName);
        Config = ServedFiles.Text("config.json", """{"model_type":"gemma3_text","hidden_size":64}""");
        Tokenizer = ServedFiles.Text("tokenizer.json", """{"version":"1.0","model":{"type":"BPE"}}""");
        Weights = ServedFiles.Lfs("model.safetensors", 400_000, seed: 1);
        Onnx = ServedFiles.Lfs("onnx/model.onnx", 50_000, seed: 2);
        Commit = Repo.Commit("main", Config, Tokenizer, Weights, Onnx);
    }

    public HubTestServer Server { get; }

    public TempDir Temp { get; }

    public ServedRepo Repo { get; }

    public ServedFile Config { get; }

    public ServedFile Tokenizer { get; }

    public ServedFile Weights { get; }

    public ServedFile Onnx { get; }

    public string Commit { get; }

    public string CacheDir => Temp["hub"];

    public string RepoFolder => Path.Combine(CacheDir, "models--acme--tiny-model");

    public static async Task<HubScenario> StartAsync() => new(await HubTestServer.StartAsync(), new TempDir("hub"));

    /// <summary>Sequential downloads, quick retries: each test switches on what it exercises.</summary>
    public HubOptions Options => new HubOptions(CacheDir)
        .WithEndpoint(Server.Endpoint)
        .WithConnectionsPerFile(1)
        .WithRetries(2, TimeSpan.FromMilliseconds(10))
        .WithIdleTimeout(TimeSpan.FromSeconds(5));

    public HubOptions ParallelOptions => Options
        .WithConnectionsPerFile(4)
        .WithRateProbe(TimeSpan.Zero)
        .WithParallelThreshold(64 * 1024)
        .WithChunkSize(32 * 1024)
        .WithProgressRecordInterval(8 * 1024);

    /// <summary>The environment the CLI tests pass: cache and endpoint from variables, never from the process.</summary>
    public Dictionary<string, string> Env(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = Server.Endpoint,
            ["HF_HOME"] = Temp["hf-home"],
            ["HF_HUB_CACHE"] = CacheDir,
            ["ALC_FETCH_RETRIES"] = "1",
        };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    public async Task<FetchResult> FetchAsync(HubOptions? options = null, Func<FetchRequest, FetchRequest>? request = null,
        IFetchObserver? observer = null)
    {
        using var fetcher = new HubFetcher(options ?? Options, observer);
        return await fetcher.FetchAsync((request ?? (r => r))(FetchRequest.For(RepoName)));
    }

    public string Blob(ServedFile file) => Path.Combine(RepoFolder, "blobs", file.Etag);

    public string Pointer(ServedFile file) => Path.Combine([RepoFolder, "snapshots", Commit, .. file.Path.Split('/')]);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Temp.Dispose();
    }
}

public static class AlcResultExtensions
{
    /// <summary>stderr with Spectre's line wrapping undone, so long paths and sentences can be matched whole.</summary>
    public static string FlatErr(this AlcResult result) => result.StdErr.Replace("\r", "").Replace("\n", "");
}
