using System.Net;
using Octokit;
using Polly;
using Polly.Retry;

namespace Ava.Action.Publishing;

/// <summary>How hard to retry. Immutable; tests shrink the delays with <see cref="WithBaseDelay"/>.</summary>
public sealed record RetryOptions(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxRateLimitWait)
{
    public static RetryOptions Default { get; } = new(5, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));

    public RetryOptions WithBaseDelay(TimeSpan delay) => this with { BaseDelay = delay };

    public RetryOptions WithMaxAttempts(int attempts) => this with { MaxAttempts = attempts };

    public RetryOptions WithMaxRateLimitWait(TimeSpan wait) => this with { MaxRateLimitWait = wait };
}

/// <summary>
/// Runs every GitHub call: transient failures (5xx, dropped connections, timeouts, secondary rate limits with
/// Retry-After, a primary rate limit that resets soon) are retried with exponential backoff and jitter; whatever still
/// fails becomes one typed <see cref="GitHubApiException"/> naming the operation.
/// </summary>
public sealed class GitHubCalls
{
    private readonly ResiliencePipeline _pipeline;
    private readonly RetryOptions _options;
    private readonly TimeProvider _time;

    public GitHubCalls(RetryOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? RetryOptions.Default;
        _time = time ?? TimeProvider.System;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxAttempts - 1),
                Delay = _options.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                DelayGenerator = args => ValueTask.FromResult(ServerRequestedDelay(args.Outcome.Exception)),
            })
            .Build();
    }

    /// <summary>Retries made so far by this instance (for logs and tests).</summary>
    public int Retries { get; private set; }

    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(async ct =>
            {
                if (attempts++ > 0) Retries++;
                return await call(ct);
            }, cancellationToken);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or TimeoutException
                                   || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw GitHubErrors.From(operation, e, attempts);
        }
    }

    public Task RunAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken = default) =>
        RunAsync(operation, async ct =>
        {
            await call(ct);
            return true;
        }, cancellationToken);

    private bool IsTransient(Exception e) => e switch
    {
        RateLimitExceededException r => r.Reset - _time.GetUtcNow() <= _options.MaxRateLimitWait,
        SecondaryRateLimitExceededException or AbuseException => true,
        ApiException { StatusCode: (HttpStatusCode)429 } => true,
        ApiException a => (int)a.StatusCode >= 500,
        HttpRequestException or TimeoutException or TaskCanceledException => true,
        _ => false,
    };

    // GitHub says how long to wait for rate limits; honour that instead of our own backoff.
    private TimeSpan? ServerRequestedDelay(Exception? e) => e switch
    {
        RateLimitExceededException r => Clamp(r.Reset - _time.GetUtcNow() + TimeSpan.FromSeconds(1)),
        AbuseException { RetryAfterSeconds: { } s } => Clamp(TimeSpan.FromSeconds(s)),
        ApiException a when RetryAfter(a) is { } wait => Clamp(wait),
        SecondaryRateLimitExceededException => Clamp(TimeSpan.FromMinutes(1)),
        _ => null,
    };

    private TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > _options.MaxRateLimitWait ? _options.MaxRateLimitWait : t;

    private static TimeSpan? RetryAfter(ApiException a)
    {
        var headers = a.HttpResponse?.Headers;
        if (headers is null) return null;
        foreach (var (k, v) in headers)
            if (string.Equals(k, "Retry-After", StringComparison.OrdinalIgnoreCase) && int.TryParse(v, out var s))
                return TimeSpan.FromSeconds(s);
        return null;
    }
}
