using System.Net;
using System.Net.Http.Headers;

namespace Ava.Compiler.HuggingFace.Api;

/// <summary>
/// The HTTP plumbing every Hub client shares: one connection pool, the token sent only to the endpoint's host,
/// redirects followed by hand (so the token is dropped when a redirect leaves that host, as huggingface_hub does),
/// a timeout on silence rather than on total time, and retries with backoff for transient failures.
/// </summary>
internal sealed class HubHttp : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _client;

    public HubHttp(HubOptions options)
    {
        Options = options;
        Endpoint = new Uri(options.Endpoint + "/");
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.IdleTimeout,
            MaxConnectionsPerServer = 64,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HubOptions Options { get; }

    public Uri Endpoint { get; }

    public Uri EndpointUri(string relative) => new(Endpoint, relative);

    /// <summary>
    /// Sends a request, following redirects. With <paramref name="followCrossHost"/> false, a redirect to another host
    /// is returned as is (the metadata call reads the Hub's headers from it and keeps its Location for the download).
    /// The caller owns the response. Throws <see cref="HubUnavailableException"/> for connection failures and timeouts.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, bool followCrossHost,
        Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, current);
            request.Headers.UserAgent.ParseAdd(Options.UserAgent);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (Options.Token is { } token && SameAuthority(current, Endpoint))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            configure?.Invoke(request);

            var response = await SendOnceAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is < 300 or > 399 || response.Headers.Location is null) return response;

            var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
            if (!followCrossHost && !SameAuthority(next, current)) return response;
            response.Dispose();
            if (hop >= MaxRedirects)
                throw new HubProtocolException($"{url} redirected more than {MaxRedirects} times.",
                    "Check HF_ENDPOINT: it should name the Hub or a Hub mirror.");
            current = next;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.IdleTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(request.RequestUri!, $"no answer within {Options.IdleTimeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(request.RequestUri!, e.InnerException?.Message ?? e.Message, e);
        }
    }

    public HubUnavailableException Unreachable(Uri url, string reason, Exception? inner = null) =>
        new($"Could not reach {url.GetLeftPart(UriPartial.Authority)} ({reason}).",
            Options.Endpoint == HubOptions.DefaultEndpoint
                ? "Check the network connection (and HTTPS_PROXY if you use a proxy), then rerun; finished files are kept. To work from the cache only, set HF_HUB_OFFLINE=1."
                : $"Check that the mirror in HF_ENDPOINT ({Options.Endpoint}) is up, then rerun; finished files are kept. To work from the cache only, set HF_HUB_OFFLINE=1.",
            inner);

    /// <summary>Runs <paramref name="attempt"/> again after transient failures, waiting longer each time.</summary>
    public async Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var n = 0; ; n++)
        {
            try { return await attempt(); }
            catch (HubUnavailableException) when (n < Options.MaxRetries)
            {
                await Task.Delay(Backoff(n), cancellationToken);
            }
        }
    }

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(Options.RetryDelay.Ticks * (1L << Math.Min(attempt, 16)), TimeSpan.FromSeconds(8).Ticks));

    public static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out var c) ? c.FirstOrDefault() : null;

    public void Dispose() => _client.Dispose();
}
