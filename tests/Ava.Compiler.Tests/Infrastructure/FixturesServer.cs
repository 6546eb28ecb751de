using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// @octokit/fixtures-server (tests/node/fixtures-server.mjs) started for one test on 127.0.0.1 and stopped when the
/// test ends. Each scenario is an ordered list of recorded requests; <see cref="AssertConsumedAsync"/> proves the
/// code under test made every one of them and nothing more.
/// </summary>
public sealed class FixturesServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();

    private FixturesServer(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <param name="extraGlobs">Folders of scenario files a test wrote for data it made itself.</param>
    public static async Task<FixturesServer> StartAsync(params string[] extraGlobs)
    {
        var folder = NodeTools.Require();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        psi.ArgumentList.Add(Path.Combine(folder, "fixtures-server.mjs"));
        foreach (var g in extraGlobs) psi.ArgumentList.Add(g);
        var p = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await p.StandardOutput.ReadLineAsync(cts.Token)
                           ?? throw new InvalidOperationException($"the fixtures server exited: {stderr}");
                if (line.StartsWith("listening ", StringComparison.Ordinal)) return new FixturesServer(p, new Uri(line["listening ".Length..]));
            }
        }
        catch
        {
            p.Kill(entireProcessTree: true);
            p.Dispose();
            throw;
        }
    }

    /// <summary>Loads a scenario and returns its API base URL (with the trailing slash Octokit needs).</summary>
    public async Task<Uri> LoadAsync(string scenario)
    {
        var response = await _http.PostAsJsonAsync(new Uri(BaseUrl, "/fixtures"), new { scenario });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"loading scenario {scenario}: {body}");
        return new Uri(JsonDocument.Parse(body).RootElement.GetProperty("url").GetString() + "/");
    }

    /// <summary>The requests of the scenario still waiting for a client; empty when it was consumed exactly.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(Uri scenarioUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(scenarioUrl, "__done__"));
        request.Headers.Accept.ParseAdd("application/json");
        var body = await (await _http.SendAsync(request)).Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        if (json.TryGetProperty("detail", out var d) && d.TryGetProperty("pending", out var pending))
            return pending.EnumerateArray().Select(x => x.GetString()!).ToList();
        var error = json.GetProperty("error").GetString()!;
        Assert.Matches("^Fixture \".*\" not found$", error);
        return [];
    }

    public async Task AssertConsumedAsync(Uri scenarioUrl)
    {
        var pending = await PendingAsync(scenarioUrl);
        Assert.True(pending.Count == 0, "requests the code never made:\n" + string.Join("\n", pending));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

/// <summary>One fixtures server shared by the tests of a class (each test loads its own scenario id).</summary>
public sealed class FixturesServerFixture : IAsyncLifetime
{
    public FixturesServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FixturesServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
