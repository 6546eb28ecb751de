using Ava.Compiler.HuggingFace;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class HubEnvironmentTests
{
    private static HubOptions From(params (string, string)[] vars) =>
        HubEnvironment.FromEnvironment(vars.ToDictionary(v => v.Item1, v => v.Item2));

    [Fact]
    public void The_cache_folder_follows_huggingface_hub_precedence()
    {
        Assert.Equal("/home/u/.cache/huggingface/hub", From(("HOME", "/home/u")).CacheDirectory);
        Assert.Equal("/x/huggingface/hub", From(("HOME", "/home/u"), ("XDG_CACHE_HOME", "/x")).CacheDirectory);
        Assert.Equal("/hf/hub", From(("HOME", "/home/u"), ("XDG_CACHE_HOME", "/x"), ("HF_HOME", "/hf")).CacheDirectory);
        Assert.Equal("/legacy", From(("HF_HOME", "/hf"), ("HUGGINGFACE_HUB_CACHE", "/legacy")).CacheDirectory);
        Assert.Equal("/new", From(("HF_HOME", "/hf"), ("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HF_HUB_CACHE", "/new")).CacheDirectory);
        Assert.Equal("/home/u/models/hub", From(("HOME", "/home/u"), ("HF_HOME", "~/models")).CacheDirectory);
        Assert.Equal("/data/cache", From(("BASE", "/data"), ("HF_HUB_CACHE", "$BASE/cache")).CacheDirectory);
    }

    [Fact]
    public void Offline_is_on_only_for_the_spellings_huggingface_hub_accepts()
    {
        foreach (var on in new[] { "1", "ON", "yes", "True" }) Assert.True(From(("HOME", "/h"), ("HF_HUB_OFFLINE", on)).Offline, on);
        foreach (var off in new[] { "0", "false", "no", "" }) Assert.False(From(("HOME", "/h"), ("HF_HUB_OFFLINE", off)).Offline, off);
        Assert.True(From(("HOME", "/h"), ("TRANSFORMERS_OFFLINE", "1")).Offline);
    }

    [Fact]
    public void The_token_comes_from_HF_TOKEN_then_the_token_file()
    {
        using var temp = new TempDir("env");
        temp.Write("hf/token", "  hf_fileToken\n");
        var custom = temp.Write("elsewhere/tok", "hf_customPath");

        Assert.Equal("hf_envToken", From(("HOME", temp.Path), ("HF_HOME", temp["hf"]), ("HF_TOKEN", "hf_envToken")).Token);
        var fromFile = From(("HOME", temp.Path), ("HF_HOME", temp["hf"]));
        Assert.Equal("hf_fileToken", fromFile.Token);
        Assert.Contains(temp["hf/token"], fromFile.TokenSource);
        Assert.Equal("hf_customPath", From(("HOME", temp.Path), ("HF_HOME", temp["hf"]), ("HF_TOKEN_PATH", custom)).Token);
        Assert.Null(From(("HOME", temp.Path)).Token);
    }

    [Fact]
    public void The_endpoint_and_tuning_variables_are_read()
    {
        var options = From(("HOME", "/h"), ("HF_ENDPOINT", "https://hf-mirror.example/"), ("HF_HUB_DOWNLOAD_TIMEOUT", "7"),
            ("ALC_FETCH_RETRIES", "2"), ("ALC_FETCH_CONNECTIONS", "8"), ("ALC_FETCH_PROBE_SECONDS", "0"));

        Assert.Equal("https://hf-mirror.example", options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(7), options.IdleTimeout);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(8, options.ConnectionsPerFile);
        Assert.Equal(TimeSpan.Zero, options.RateProbeTime);
        Assert.Equal(HubOptions.DefaultEndpoint, From(("HOME", "/h")).Endpoint);
    }
}
