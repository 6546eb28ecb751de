using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ava.Compiler.Tests.HuggingFace.Server;

/// <summary>
/// A Hub-compatible HTTP server on 127.0.0.1 with the real Hub's API shape: revision info with siblings,
/// <c>resolve</c> answering LFS files with a 302 to a separate blob host (another port, so the client must drop its
/// token there), ETag / X-Linked-Etag / X-Linked-Size / X-Repo-Commit headers, byte ranges, 401/403 for gated repos
/// and X-Error-Code on failures. It counts what it serves and can be told to misbehave.
/// </summary>
public sealed class HubTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ServedRepo> _repos = new(StringComparer.Ordinal);
    private int _apiPort;
    private int _blobPort;

    private HubTestServer(WebApplication app) => _app = app;

    public string Endpoint => $"http://127.0.0.1:{_apiPort}";

    public string BlobHost => $"http://127.0.0.1:{_blobPort}";

    public ServerLog Log { get; } = new();

    public Faults Faults { get; } = new();

    /// <summary>Bytes per write of a body; the benchmark uses larger writes than the tests.</summary>
    public int WriteSize { get; set; } = 16 * 1024;

    public static async Task<HubTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var server = new HubTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var ports = app.Services.GetService(typeof(IServer)) is IServer s
            ? s.Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToList()
            : throw new InvalidOperationException("Kestrel did not start");
        server._apiPort = ports[0];
        server._blobPort = ports[1];
        return server;
    }

    public ServedRepo AddRepo(string id)
    {
        var repo = new ServedRepo(id);
        _repos[id] = repo;
        return repo;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? path;
        var rawPath = raw.Split('?')[0];
        Log.Add(new ServedRequest(ctx.Request.Method, rawPath, ctx.Request.Headers.Range.ToString(),
            ctx.Request.Headers.Authorization.ToString(), ctx.Connection.LocalPort == _blobPort));

        if (ctx.Connection.LocalPort == _blobPort)
        {
            await BlobAsync(ctx, rawPath);
            return;
        }
        if (rawPath.StartsWith("/api/models/", StringComparison.Ordinal) && rawPath.Contains("/revision/", StringComparison.Ordinal))
        {
            await RevisionAsync(ctx, rawPath["/api/models/".Length..]);
            return;
        }
        var resolve = rawPath.IndexOf("/resolve/", StringComparison.Ordinal);
        if (resolve > 0)
        {
            await ResolveAsync(ctx, rawPath[1..resolve], rawPath[(resolve + "/resolve/".Length)..]);
            return;
        }
        ctx.Response.StatusCode = 404;
    }

    private async Task RevisionAsync(HttpContext ctx, string rest)
    {
        var cut = rest.IndexOf("/revision/", StringComparison.Ordinal);
        var repoId = rest[..cut];
        var revision = Uri.UnescapeDataString(rest[(cut + "/revision/".Length)..]);
        if (!Authorize(ctx, repoId, out var repo)) return;
        var commit = repo!.Resolve(revision);
        if (commit is null)
        {
            Error(ctx, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = repo.Id,
            modelId = repo.Id,
            sha = commit,
            @private = false,
            gated = repo.Gated ? "manual" : (object)false,
            siblings = repo.Files(commit).Values.Select(f => new Dictionary<string, object?>
            {
                ["rfilename"] = f.Path,
                ["size"] = f.Size,
                ["blobId"] = f.GitSha1,
                ["lfs"] = f.Lfs ? new { sha256 = f.Sha256, size = f.Size, pointerSize = 134 } : null,
            }.Where(kv => kv.Value is not null).ToDictionary()),
        }));
    }

    private async Task ResolveAsync(HttpContext ctx, string repoId, string rest)
    {
        if (!Authorize(ctx, repoId, out var repo)) return;
        var slash = rest.IndexOf('/');
        var revision = Uri.UnescapeDataString(rest[..slash]);
        var filePath = string.Join('/', rest[(slash + 1)..].Split('/').Select(Uri.UnescapeDataString));
        var commit = repo!.Resolve(revision);
        if (commit is null)
        {
            Error(ctx, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        ctx.Response.Headers["X-Repo-Commit"] = commit;
        if (!repo.Files(commit).TryGetValue(filePath, out var file))
        {
            Error(ctx, 404, "EntryNotFound", $"{filePath} does not exist");
            return;
        }
        if (file.Lfs)
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = $"{BlobHost}/lfs/{file.Sha256}?signature=test";
            ctx.Response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            ctx.Response.Headers["X-Linked-Size"] = (Faults.AnnouncedSize ?? file.Size).ToString();
            ctx.Response.Headers.ETag = $"\"{file.GitSha1}\"";
            return;
        }
        ctx.Response.Headers.ETag = $"\"{file.GitSha1}\"";
        await ServeBodyAsync(ctx, file);
    }

    private async Task BlobAsync(HttpContext ctx, string rawPath)
    {
        var sha = rawPath.StartsWith("/lfs/", StringComparison.Ordinal) ? rawPath[5..] : "";
        var file = _repos.Values.Select(r => r.FindBySha256(sha)).FirstOrDefault(f => f is not null);
        if (file is null)
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        ctx.Response.Headers.ETag = $"\"{file.Sha256}\"";
        await ServeBodyAsync(ctx, file);
    }

    private async Task ServeBodyAsync(HttpContext ctx, ServedFile file)
    {
        ctx.Response.Headers.AcceptRanges = "bytes";
        var (from, to) = (0L, file.Size - 1);
        var ranged = false;
        if (!Faults.IgnoreRanges && TryParseRange(ctx.Request.Headers.Range.ToString(), file.Size, out var start, out var end))
        {
            if (start >= file.Size)
            {
                ctx.Response.StatusCode = 416;
                ctx.Response.Headers.ContentRange = $"bytes */{file.Size}";
                return;
            }
            (from, to, ranged) = (start, end, true);
        }
        ctx.Response.StatusCode = ranged ? 206 : 200;
        if (ranged) ctx.Response.Headers.ContentRange = $"bytes {from}-{to}/{file.Size}";
        ctx.Response.ContentLength = to - from + 1;
        ctx.Response.ContentType = "application/octet-stream";
        if (HttpMethods.IsHead(ctx.Request.Method)) return;

        var fault = Faults.Take(file.Path);
        await using var content = file.Open();
        content.Position = from;
        var buffer = new byte[WriteSize];
        long sent = 0, remaining = to - from + 1;
        // Kestrel accepts writes silently once the client is gone, so stop at the abort to count only bytes really sent.
        while (remaining > 0 && !ctx.RequestAborted.IsCancellationRequested)
        {
            var want = (int)Math.Min(buffer.Length, remaining);
            if (fault?.DropAfter is { } drop) want = (int)Math.Max(1, Math.Min(want, drop - sent));
            var n = await content.ReadAsync(buffer.AsMemory(0, want));
            if (Faults.TakeCorruption(file.Path, from + sent, n) is { } at) buffer[at - from - sent] ^= 0xFF;
            await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n));
            sent += n;
            remaining -= n;
            Log.CountBody(file.Path, n);
            if (fault?.Delay is { } delay) await Task.Delay(delay);
            if (fault?.DropAfter is { } limit && sent >= limit)
            {
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(100); // let the bytes reach the client before the connection is cut
                ctx.Abort();
                return;
            }
            if (fault?.StallAfter is { } stall && sent >= stall)
            {
                await ctx.Response.Body.FlushAsync();
                try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); } catch (OperationCanceledException) { }
                return;
            }
        }
    }

    private bool Authorize(HttpContext ctx, string repoId, out ServedRepo? repo)
    {
        if (!_repos.TryGetValue(repoId, out repo))
        {
            Error(ctx, 404, "RepoNotFound", "Repository not found");
            return false;
        }
        if (!repo.Gated) return true;
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.Length == 0)
        {
            Error(ctx, 401, "GatedRepo", $"Access to model {repoId} is restricted. You must have access to it and be authenticated to access it.");
            return false;
        }
        if (auth != $"Bearer {repo.AllowedToken}")
        {
            Error(ctx, 403, "GatedRepo", $"Access to model {repoId} is restricted and you are not in the authorized list.");
            return false;
        }
        return true;
    }

    private static void Error(HttpContext ctx, int status, string code, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers["X-Error-Code"] = code;
        ctx.Response.Headers["X-Error-Message"] = message;
    }

    private static bool TryParseRange(string header, long size, out long start, out long end)
    {
        start = 0;
        end = size - 1;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',')) return false;
        var parts = header[6..].Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], out start)) return false;
        if (parts[1].Length > 0) end = Math.Min(long.Parse(parts[1]), size - 1);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ServedRequest(string Method, string Path, string Range, string Authorization, bool BlobHost);

/// <summary>What the server did, for assertions: every request, and body bytes written per file.</summary>
public sealed class ServerLog
{
    private readonly ConcurrentQueue<ServedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, long> _bodyBytes = new(StringComparer.Ordinal);

    public IReadOnlyList<ServedRequest> Requests => _requests.ToList();

    public void Add(ServedRequest request) => _requests.Enqueue(request);

    public void CountBody(string path, long bytes) => _bodyBytes.AddOrUpdate(path, bytes, (_, b) => b + bytes);

    public long BodyBytes(string path) => _bodyBytes.TryGetValue(path, out var b) ? b : 0;

    public long TotalBodyBytes => _bodyBytes.Values.Sum();

    /// <summary>Requests that asked for file contents (GET on resolve or on the blob host).</summary>
    public IReadOnlyList<ServedRequest> BodyRequests =>
        Requests.Where(r => r.Method == "GET" && (r.BlobHost || r.Path.Contains("/resolve/", StringComparison.Ordinal))).ToList();

    public void Clear()
    {
        _requests.Clear();
        _bodyBytes.Clear();
    }
}

/// <summary>Misbehaviour to inject into the next responses for a file.</summary>
public sealed class Faults
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _byPath = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);

    /// <summary>Answer ranged requests with the whole file (200), as some CDNs do.</summary>
    public bool IgnoreRanges { get; set; }

    /// <summary>Overrides X-Linked-Size, e.g. to announce a file no disk can hold.</summary>
    public long? AnnouncedSize { get; set; }

    /// <summary>The next response for <paramref name="path"/> is cut after <paramref name="bytes"/> body bytes.</summary>
    public void DropAfter(string path, long bytes, int times = 1) => Add(path, new Fault { DropAfter = bytes }, times);

    private readonly ConcurrentDictionary<string, long> _corrupt = new(StringComparer.Ordinal);

    /// <summary>The next response that carries file offset <paramref name="offset"/> flips that byte.</summary>
    public void Corrupt(string path, long offset) => _corrupt[path] = offset;

    internal long? TakeCorruption(string path, long from, int count) =>
        _corrupt.TryGetValue(path, out var at) && at >= from && at < from + count && _corrupt.TryRemove(path, out _) ? at : null;

    /// <summary>The next response sends <paramref name="bytes"/> bytes, then nothing until the client gives up.</summary>
    public void StallAfter(string path, long bytes, int times = 1) => Add(path, new Fault { StallAfter = bytes }, times);

    /// <summary>Every response for the file waits this long after each write.</summary>
    public void Slow(string path, TimeSpan perWrite) => _slow[path] = perWrite;

    internal Fault? Take(string path)
    {
        Fault? fault = null;
        if (_byPath.TryGetValue(path, out var queue)) queue.TryDequeue(out fault);
        if (_slow.TryGetValue(path, out var delay)) fault = (fault ?? new Fault()) with { Delay = delay };
        return fault;
    }

    private void Add(string path, Fault fault, int times)
    {
        var queue = _byPath.GetOrAdd(path, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++) queue.Enqueue(fault);
    }
}

public sealed record Fault
{
    public long? DropAfter { get; init; }
    public long? StallAfter { get; init; }
    public TimeSpan? Delay { get; init; }
}
