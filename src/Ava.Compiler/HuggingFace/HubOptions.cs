namespace Ava.Compiler.HuggingFace;

/// <summary>
/// Everything the Hub client needs from the outside world, fixed at construction. Build it from an environment with
/// <see cref="HubEnvironment.FromEnvironment"/> (the CLI passes its context's variables, never the process's) and
/// adjust copies with the <c>WithX</c> methods.
/// </summary>
public sealed record HubOptions
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public HubOptions(string cacheDirectory)
    {
        CacheDirectory = Path.GetFullPath(cacheDirectory);
    }

    /// <summary>The hub cache root, the folder holding <c>models--org--name</c> (huggingface_hub's HF_HUB_CACHE).</summary>
    public string CacheDirectory { get; init; }

    /// <summary>Base URL of the Hub or a mirror, without a trailing slash.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Bearer token, sent only to the endpoint's own host (never to a CDN it redirects to).</summary>
    public string? Token { get; init; }

    /// <summary>Where the token came from, for messages ("HF_TOKEN", "the token file ~/.cache/huggingface/token").</summary>
    public string? TokenSource { get; init; }

    /// <summary>HF_HUB_OFFLINE: no network at all; everything comes from the cache.</summary>
    public bool Offline { get; init; }

    /// <summary>Connections used for one large file; 1 downloads every file in a single request.</summary>
    public int ConnectionsPerFile { get; init; } = 4;

    /// <summary>Files at least this large are split into ranged chunks fetched in parallel.</summary>
    public long ParallelThreshold { get; init; } = 64L << 20;

    /// <summary>
    /// How long a large file is first fetched over one connection to measure it. Zero splits large files at once.
    /// On a fast link (a mirror next door, loopback) extra connections only cost CPU, so they are opened only when
    /// one connection stays below <see cref="SlowConnectionRate"/>.
    /// </summary>
    public TimeSpan RateProbeTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes per second under which a large file's remainder is split over several connections.</summary>
    public long SlowConnectionRate { get; init; } = 50L << 20;

    /// <summary>Size of one ranged chunk of a parallel download.</summary>
    public long ChunkSize { get; init; } = 32L << 20;

    /// <summary>
    /// How often (in bytes written) a parallel download records its progress on disk. A killed download re-fetches at
    /// most this much per connection.
    /// </summary>
    public long ProgressRecordInterval { get; init; } = 1L << 20;

    /// <summary>Attempts after a transient failure (dropped connection, timeout, 5xx) that made no progress.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>First wait before a retry; doubles per attempt up to 8 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a connection may stay silent (connect, headers, or between body reads) before it is retried.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent as User-Agent.</summary>
    public string UserAgent { get; init; } = "alc";

    public HubOptions WithCacheDirectory(string path) => this with { CacheDirectory = Path.GetFullPath(path) };

    public HubOptions WithEndpoint(string endpoint) => this with { Endpoint = NormalizeEndpoint(endpoint) };

    public HubOptions WithToken(string? token, string? source = null) =>
        this with { Token = string.IsNullOrWhiteSpace(token) ? null : token.Trim(), TokenSource = token is null ? null : source };

    public HubOptions WithOffline(bool offline = true) => this with { Offline = offline };

    public HubOptions WithConnectionsPerFile(int connections) =>
        this with { ConnectionsPerFile = Math.Max(1, connections) };

    public HubOptions WithParallelThreshold(long bytes) => this with { ParallelThreshold = Math.Max(1, bytes) };

    public HubOptions WithRateProbe(TimeSpan probeTime, long? slowRate = null) =>
        this with { RateProbeTime = probeTime < TimeSpan.Zero ? TimeSpan.Zero : probeTime, SlowConnectionRate = slowRate ?? SlowConnectionRate };

    public HubOptions WithChunkSize(long bytes) => this with { ChunkSize = Math.Max(1, bytes) };

    public HubOptions WithProgressRecordInterval(long bytes) => this with { ProgressRecordInterval = Math.Max(1, bytes) };

    public HubOptions WithRetries(int maxRetries, TimeSpan? delay = null) =>
        this with { MaxRetries = Math.Max(0, maxRetries), RetryDelay = delay ?? RetryDelay };

    public HubOptions WithIdleTimeout(TimeSpan timeout) => this with { IdleTimeout = timeout };

    public HubOptions WithUserAgent(string userAgent) => this with { UserAgent = userAgent };

    internal static string NormalizeEndpoint(string endpoint) => endpoint.Trim().TrimEnd('/');
}
