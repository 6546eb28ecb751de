using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Ava.Compiler.HuggingFace.Api;
using Microsoft.Win32.SafeHandles;

namespace Ava.Compiler.HuggingFace.Download;

/// <summary>
/// Brings one blob into the cache: continues an earlier partial download when there is one, splits large files into
/// ranged chunks fetched over several connections, checks size and sha256, and only then renames the result into
/// blobs/. The caller holds the blob's lock.
/// </summary>
internal sealed class BlobDownloader(HubHttp http, ResolveClient files, HubCache cache)
{
    private const int BufferSize = 256 * 1024;
    private HubOptions Options => http.Options;

    public async Task<TransferOutcome> DownloadAsync(RepoId repo, string commit, string path, FileMetadata meta,
        IFetchObserver observer, CancellationToken cancellationToken)
    {
        var incomplete = cache.IncompletePath(repo, meta.Etag);
        var partsPath = cache.PartsPath(repo, meta.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(incomplete)!);
        var job = new Job(repo, commit, path, meta, incomplete, observer);

        var splittable = Options.ConnectionsPerFile > 1 && meta.Size >= Options.ParallelThreshold;
        var parallel = File.Exists(partsPath) || (!File.Exists(incomplete) && splittable && Options.RateProbeTime == TimeSpan.Zero);
        TransferOutcome outcome;
        byte[]? sha256;
        using (var handle = File.OpenHandle(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
        {
            if (parallel)
            {
                try
                {
                    (outcome, sha256) = await ParallelAsync(job, handle, partsPath, cancellationToken);
                }
                catch (RangeNotHonouredException)
                {
                    observer.Notice($"{http.Endpoint.Host} does not serve byte ranges for {path}; downloading it in one piece.");
                    File.Delete(partsPath);
                    RandomAccess.SetLength(handle, 0);
                    (outcome, sha256) = await SequentialAsync(job, handle, cancellationToken);
                }
            }
            else
            {
                (outcome, sha256) = await SequentialAsync(job, handle, cancellationToken, probe: splittable);
                if (outcome.SplitAt is { } have)
                {
                    // One connection was slow: the rest comes over several, continuing from what already arrived.
                    PartsFile.FromPrefix(partsPath, meta.Size, Options.ChunkSize, have).Dispose();
                    var first = outcome.BytesTransferred;
                    (outcome, sha256) = await ParallelAsync(job, handle, partsPath, cancellationToken);
                    outcome = outcome with { BytesTransferred = outcome.BytesTransferred + first, ResumedFrom = outcome.ResumedFrom - first };
                }
            }
            Verify(job, handle, sha256, partsPath);
        }
        File.Move(incomplete, cache.BlobPath(repo, meta.Etag), overwrite: true);
        File.Delete(partsPath);
        return outcome;
    }

    private sealed record Job(RepoId Repo, string Commit, string Path, FileMetadata Meta, string Incomplete, IFetchObserver Observer)
    {
        public long Size => Meta.Size;
    }

    // ---- one connection, appending: the .incomplete file's length is the progress, as in huggingface_hub ----

    private async Task<(TransferOutcome, byte[]?)> SequentialAsync(Job job, SafeFileHandle handle, CancellationToken cancellationToken, bool probe = false)
    {
        var have = RandomAccess.GetLength(handle);
        if (have > job.Size)
        {
            RandomAccess.SetLength(handle, 0);
            have = 0;
        }
        using var hash = job.Meta.Sha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (hash is not null) HashRange(handle, hash, 0, have);
        job.Observer.FileStarted(job.Path, job.Size, have);

        var budget = new RetryBudget(Options.MaxRetries);
        long received = 0;
        await using (var sink = new WriteBehind((data, offset) => Write(job, handle, data.Span, offset), hash))
        {
            while (have < job.Size)
            {
                var before = have;
                try
                {
                    using var response = await files.OpenAsync(job.Meta.DownloadUrl, have, null, job.Repo, job.Commit, job.Path, cancellationToken);
                    var start = RangeStart(response);
                    if (start != have)
                    {
                        // The server's answer decides: anything but the asked-for range (a 200 with the whole file, a
                        // 416, a range starting elsewhere) means the kept bytes cannot be continued; start over.
                        if (have == 0)
                            throw new HubProtocolException($"{job.Meta.DownloadUrl.Host} answered a plain request for {job.Path} with HTTP {(int)response.StatusCode}.",
                                "Rerun; if it happens again, the mirror in HF_ENDPOINT or a proxy mangles downloads.");
                        job.Observer.BytesReceived(job.Path, -have);
                        await sink.DrainAsync(cancellationToken);
                        RandomAccess.SetLength(handle, 0);
                        hash?.GetHashAndReset();
                        have = before = 0;
                        if (start != 0) continue;
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var probeStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    var probeFrom = have;
                    while (true)
                    {
                        // One read per buffer: a slow connection's bytes reach the disk (and the rate probe) at once.
                        var block = await sink.RentAsync(cancellationToken);
                        int n;
                        try
                        {
                            idle.CancelAfter(Options.IdleTimeout);
                            n = await body.ReadAsync(block.Data, idle.Token);
                            if (have + n > job.Size) throw TooLong(job);
                            block.Count = n;
                        }
                        finally
                        {
                            sink.Post(block, have);
                        }
                        if (n == 0) break;
                        have += n;
                        received += n;
                        job.Observer.BytesReceived(job.Path, n);
                        if (probe && System.Diagnostics.Stopwatch.GetElapsedTime(probeStart) >= Options.RateProbeTime)
                        {
                            probe = false;
                            var rate = (have - probeFrom) / Math.Max(System.Diagnostics.Stopwatch.GetElapsedTime(probeStart).TotalSeconds, 1e-3);
                            if (rate < Options.SlowConnectionRate && job.Size - have >= 2 * Options.ChunkSize)
                            {
                                job.Observer.Notice($"{job.Path}: one connection gives {FreeSpace.Bytes((long)rate)}/s; fetching the rest over {Options.ConnectionsPerFile} connections.");
                                return (new TransferOutcome(received, job.Size - received, Parallel: false) { SplitAt = have }, null);
                            }
                        }
                    }
                    if (have < job.Size) throw new IOException($"the connection closed after {have} of {job.Size} bytes");
                }
                catch (Exception e) when (IsTransient(e, cancellationToken))
                {
                    await RetryOrGiveUpAsync(job, budget, have > before, have, e, cancellationToken);
                }
            }
        }
        return (new TransferOutcome(received, job.Size - received, Parallel: false), hash?.GetHashAndReset());
    }

    /// <summary>Where the body of a response starts in the file: 0 for a 200, the Content-Range start for a 206.</summary>
    private static long RangeStart(HttpResponseMessage response) =>
        response.StatusCode switch
        {
            HttpStatusCode.OK => 0,
            HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From is { } from => from,
            _ => -1,
        };

    // ---- several connections, one ranged chunk each at a time ----

    private async Task<(TransferOutcome, byte[]?)> ParallelAsync(Job job, SafeFileHandle handle, string partsPath, CancellationToken cancellationToken)
    {
        using var parts = PartsFile.OpenOrCreate(partsPath, job.Size, Options.ChunkSize, dataFileExists: RandomAccess.GetLength(handle) > 0);
        var resumedFrom = parts.TotalDone;
        job.Observer.FileStarted(job.Path, job.Size, resumedFrom);

        var queue = new System.Collections.Concurrent.ConcurrentQueue<int>(
            Enumerable.Range(0, parts.Count).Where(i => parts.Done[i] < parts.Length(i)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var progressed = new SemaphoreSlim(0);
        long received = 0;

        var hashTask = job.Meta.Sha256 is null
            ? Task.FromResult<byte[]?>(null)
            : Task.Run(() => HashFollowingAsync(handle, parts, progressed, stop.Token), stop.Token);

        async Task Worker()
        {
            while (queue.TryDequeue(out var chunk))
                Interlocked.Add(ref received, await ChunkAsync(job, handle, parts, chunk, progressed, stop.Token));
        }

        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(Options.ConnectionsPerFile, queue.Count))).Select(_ => Task.Run(Worker, stop.Token)).ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        catch
        {
            stop.Cancel();
            try { await Task.WhenAll(workers.Append(hashTask)); } catch { /* the first failure is the one to report */ }
            var first = workers.Select(w => w.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        progressed.Release();
        var sha = await hashTask;
        return (new TransferOutcome(Interlocked.Read(ref received), job.Size - Interlocked.Read(ref received), Parallel: true), sha);
    }

    private async Task<long> ChunkAsync(Job job, SafeFileHandle handle, PartsFile parts, int chunk, SemaphoreSlim progressed,
        CancellationToken cancellationToken)
    {
        var start = parts.Start(chunk);
        var length = parts.Length(chunk);
        var budget = new RetryBudget(Options.MaxRetries);
        long received = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (parts.Done[chunk] < length)
            {
                var before = parts.Done[chunk];
                long unrecorded = 0;
                try
                {
                    var from = start + parts.Done[chunk];
                    using var response = await files.OpenAsync(job.Meta.DownloadUrl, from, start + length - 1, job.Repo, job.Commit, job.Path, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK) throw new RangeNotHonouredException();
                    if (RangeStart(response) != from)
                        throw new HubProtocolException($"{job.Meta.DownloadUrl.Host} answered a request for bytes {from}- of {job.Path} with another range.",
                            "Rerun; if it happens again, the server or a proxy mangles ranged requests: set no proxy, or use another mirror.");

                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    while (parts.Done[chunk] < length)
                    {
                        idle.CancelAfter(Options.IdleTimeout);
                        var want = (int)Math.Min(BufferSize, length - parts.Done[chunk]);
                        var n = await body.ReadAsync(buffer.AsMemory(0, want), idle.Token);
                        if (n == 0) throw new IOException($"the connection closed {length - parts.Done[chunk]} bytes before the end of a chunk");
                        Write(job, handle, buffer.AsSpan(0, n), start + parts.Done[chunk]);
                        Volatile.Write(ref parts.Done[chunk], parts.Done[chunk] + n);
                        received += n;
                        unrecorded += n;
                        if (unrecorded >= Options.ProgressRecordInterval)
                        {
                            parts.Record(chunk);
                            unrecorded = 0;
                        }
                        if (progressed.CurrentCount == 0) progressed.Release();
                        job.Observer.BytesReceived(job.Path, n);
                    }
                }
                catch (Exception e) when (IsTransient(e, cancellationToken))
                {
                    parts.Record(chunk);
                    await RetryOrGiveUpAsync(job, budget, parts.Done[chunk] > before, parts.TotalDone, e, cancellationToken);
                }
                finally
                {
                    parts.Record(chunk);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return received;
    }

    /// <summary>Hashes the file's finished prefix while the chunks after it are still arriving.</summary>
    private static async Task<byte[]?> HashFollowingAsync(SafeFileHandle handle, PartsFile parts, SemaphoreSlim progressed, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long hashed = 0;
        while (true)
        {
            var end = parts.ContiguousEnd();
            HashRange(handle, hash, hashed, end - hashed);
            hashed = end;
            if (hashed >= parts.Size) return hash.GetHashAndReset();
            await progressed.WaitAsync(cancellationToken);
        }
    }

    private static void HashRange(SafeFileHandle handle, IncrementalHash hash, long offset, long count)
    {
        if (count <= 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (count > 0)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, count)), offset);
                if (n == 0) throw new IOException("the partial download is shorter than its progress record");
                hash.AppendData(buffer, 0, n);
                offset += n;
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // ---- shared rules ----

    private void Write(Job job, SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(handle, data, offset);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw FreeSpace.Exhausted(cache.Root, Math.Max(job.Size - offset, 1), FreeSpace.Of(cache.Root),
                $"What was received of {job.Path} is kept in {job.Incomplete}; a rerun resumes from it.");
        }
    }

    private static bool IsDiskFull(IOException e) =>
        e.HResult == 28 || (e.HResult & 0xFFFF) == 0x70 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e switch
        {
            HubUnavailableException => true,
            HttpRequestException => true,
            IOException => true,
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            _ => false,
        };

    private async Task RetryOrGiveUpAsync(Job job, RetryBudget budget, bool madeProgress, long kept, Exception e, CancellationToken cancellationToken)
    {
        var reason = e is OperationCanceledException ? $"no data for {Options.IdleTimeout.TotalSeconds:0.#} s" : Reason(e);
        if (budget.Fail(madeProgress))
        {
            job.Observer.Notice($"{job.Path}: {reason}; resuming at {kept} bytes (attempt {budget.Attempt + 1} of {Options.MaxRetries + 1}).");
            await Task.Delay(http.Backoff(budget.Attempt - 1), cancellationToken);
            return;
        }
        throw new HubTransferInterruptedException(
            $"The download of {job.Path} from {job.Meta.DownloadUrl.Host} stopped ({reason}) after {kept} of {job.Size} bytes. " +
            $"The {kept} bytes received are kept in {job.Incomplete}.",
            "Check the network connection and rerun the same command: it resumes from the kept bytes instead of starting over.",
            kept, job.Incomplete, e);
    }

    private static string Reason(Exception e) => e switch
    {
        HubUnavailableException u => u.Problem.TrimEnd('.'),
        HttpRequestException h => h.InnerException?.Message ?? h.Message,
        _ => e.Message.TrimEnd('.'),
    };

    private static HubIntegrityException TooLong(Job job) =>
        new($"{job.Meta.DownloadUrl.Host} sent more than the {job.Size} bytes the Hub announced for {job.Path}.",
            "Rerun; if it happens again, the mirror in HF_ENDPOINT or a proxy serves a different file than the Hub lists.");

    /// <summary>Size and, for LFS files, sha256 must match what the Hub announced; a mismatch deletes the download.</summary>
    private void Verify(Job job, SafeFileHandle handle, byte[]? sha256, string partsPath)
    {
        var length = RandomAccess.GetLength(handle);
        string? problem = null;
        if (length != job.Size)
            problem = $"{job.Path} arrived with {length} bytes, but the Hub announced {job.Size}";
        else if (job.Meta.Sha256 is { } expected && sha256 is not null && Convert.ToHexStringLower(sha256) != expected)
            problem = $"{job.Path} does not match the sha256 the Hub announced (expected {expected}, got {Convert.ToHexStringLower(sha256)})";
        if (problem is null) return;

        handle.Dispose();
        File.Delete(job.Incomplete);
        File.Delete(partsPath);
        throw new HubIntegrityException($"{problem}. The damaged download was deleted.",
            "Rerun to download it again. If it fails again, something between you and the Hub (a proxy, or the mirror in HF_ENDPOINT) alters the file.");
    }
}

