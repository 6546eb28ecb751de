using Ava.Compiler.HuggingFace;

namespace Ava.Compiler.Tests.HuggingFace;

public sealed class HubTransferTests
{
    private const string Weights = "model.safetensors";

    [Fact]
    public async Task A_dropped_connection_resumes_and_transfers_only_the_remainder()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter(Weights, 150_000);

        var result = await hub.FetchAsync(request: r => r.WithInclude(Weights));

        Assert.Equal(hub.Weights.Size, hub.Server.Log.BodyBytes(Weights));
        var blobGets = hub.Server.Log.BodyRequests.Where(r => r.BlobHost).ToList();
        Assert.Equal(["", "bytes=150000-"], blobGets.Select(r => r.Range));
        Assert.Equal(hub.Weights.Sha256, result.File(Weights)!.Sha256);
        Assert.Equal(File.ReadAllBytes(hub.Blob(hub.Weights)).Length, hub.Weights.Size);
    }

    [Fact]
    public async Task An_interrupted_fetch_keeps_its_bytes_and_the_next_fetch_resumes_from_them()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter(Weights, 150_000);

        var failure = await Assert.ThrowsAsync<HubTransferInterruptedException>(() =>
            hub.FetchAsync(hub.Options.WithRetries(0), r => r.WithInclude(Weights)));

        Assert.Equal(150_000, failure.KeptBytes);
        Assert.Equal(hub.Blob(hub.Weights) + ".incomplete", failure.PartialPath);
        Assert.Equal(150_000, new FileInfo(failure.PartialPath).Length);
        Assert.Contains("rerun", failure.Fix, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(hub.Pointer(hub.Weights)));
        Assert.True(Directory.Exists(Path.Combine(hub.RepoFolder, "snapshots", hub.Commit)));

        hub.Server.Log.Clear();
        var result = await hub.FetchAsync(request: r => r.WithInclude(Weights));

        var file = result.File(Weights)!;
        Assert.Equal(FileStatus.Resumed, file.Status);
        Assert.Equal(hub.Weights.Size - 150_000, file.BytesTransferred);
        Assert.Equal(hub.Weights.Size - 150_000, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(["bytes=150000-"], hub.Server.Log.BodyRequests.Select(r => r.Range));
        Assert.False(File.Exists(failure.PartialPath));
        Assert.Equal(hub.Weights.Size, File.ReadAllBytes(hub.Pointer(hub.Weights)).LongLength);
    }

    [Fact]
    public async Task A_large_file_downloads_over_several_ranged_connections()
    {
        await using var hub = await HubScenario.StartAsync();

        var result = await hub.FetchAsync(hub.ParallelOptions, r => r.WithInclude(Weights));

        var ranges = hub.Server.Log.BodyRequests.Where(r => r.BlobHost).Select(r => r.Range).ToList();
        Assert.Equal(13, ranges.Count); // 400,000 bytes in 32 KiB chunks
        Assert.Contains("bytes=0-32767", ranges);
        Assert.Contains("bytes=393216-399999", ranges);
        Assert.Equal(hub.Weights.Size, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(FileStatus.Downloaded, result.File(Weights)!.Status);
        Assert.False(File.Exists(hub.Blob(hub.Weights) + ".incomplete.parts"));
        Assert.Equal(hub.Weights.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(hub.Pointer(hub.Weights)))));
    }

    [Fact]
    public async Task A_large_file_on_a_slow_connection_continues_over_several_connections_from_where_it_is()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.Slow(Weights, TimeSpan.FromMilliseconds(20));
        var notes = new NoticeCollector();
        var options = hub.ParallelOptions.WithRateProbe(TimeSpan.FromMilliseconds(150), slowRate: 10L << 20);

        var result = await hub.FetchAsync(options, r => r.WithInclude(Weights), notes);

        var ranges = hub.Server.Log.BodyRequests.Where(r => r.BlobHost).Select(r => r.Range).ToList();
        Assert.Equal("", ranges[0]);
        Assert.True(ranges.Count > 2 && ranges.Skip(1).All(r => r.StartsWith("bytes=", StringComparison.Ordinal)), string.Join(" ", ranges));
        Assert.Contains(notes.Notices, n => n.Contains("fetching the rest over 4 connections"));
        // The ranged requests ask for exactly what the first connection had not delivered when it was closed.
        var asked = ranges.Skip(1).Select(r => r["bytes=".Length..].Split('-').Select(long.Parse).ToArray()).ToList();
        var splitAt = asked.Min(a => a[0]);
        Assert.True(splitAt > 0);
        Assert.Equal(hub.Weights.Size - splitAt, asked.Sum(a => a[1] - a[0] + 1));
        Assert.Equal(hub.Weights.Size, result.File(Weights)!.BytesTransferred);
        Assert.Equal(FileStatus.Downloaded, result.File(Weights)!.Status);
        Assert.Equal(hub.Weights.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(hub.Pointer(hub.Weights)))));
    }

    [Fact]
    public async Task A_large_file_on_a_fast_connection_stays_on_one_connection()
    {
        await using var hub = await HubScenario.StartAsync();
        var options = hub.ParallelOptions.WithRateProbe(TimeSpan.FromMilliseconds(1), slowRate: 1);

        await hub.FetchAsync(options, r => r.WithInclude(Weights));

        Assert.Equal([""], hub.Server.Log.BodyRequests.Where(r => r.BlobHost).Select(r => r.Range));
    }

    [Fact]
    public async Task A_parallel_download_cut_off_resumes_from_its_progress_record()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter(Weights, 20_000);
        hub.Server.Faults.Slow(Weights, TimeSpan.FromMilliseconds(2));

        await Assert.ThrowsAsync<HubTransferInterruptedException>(() =>
            hub.FetchAsync(hub.ParallelOptions.WithRetries(0), r => r.WithInclude(Weights)));
        var parts = hub.Blob(hub.Weights) + ".incomplete.parts";
        Assert.True(File.Exists(parts));
        var kept = KeptBytes(parts);
        Assert.True(kept >= 20_000, $"kept {kept}");

        hub.Server.Log.Clear();
        hub.Server.Faults.Slow(Weights, TimeSpan.Zero);
        var result = await hub.FetchAsync(hub.ParallelOptions, r => r.WithInclude(Weights));

        Assert.Equal(FileStatus.Resumed, result.File(Weights)!.Status);
        Assert.Equal(hub.Weights.Size - kept, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(hub.Weights.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(hub.Pointer(hub.Weights)))));
        Assert.False(File.Exists(parts));
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_makes_the_download_start_over_cleanly()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.DropAfter(Weights, 100_000);
        await Assert.ThrowsAsync<HubTransferInterruptedException>(() =>
            hub.FetchAsync(hub.Options.WithRetries(0), r => r.WithInclude(Weights)));

        hub.Server.Faults.IgnoreRanges = true;
        hub.Server.Log.Clear();
        var result = await hub.FetchAsync(request: r => r.WithInclude(Weights));

        Assert.Equal(["bytes=100000-"], hub.Server.Log.BodyRequests.Select(r => r.Range));
        Assert.Equal(hub.Weights.Size, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(FileStatus.Downloaded, result.File(Weights)!.Status);
        Assert.Equal(hub.Weights.Size, File.ReadAllBytes(hub.Pointer(hub.Weights)).LongLength);
    }

    [Fact]
    public async Task A_parallel_download_falls_back_to_one_connection_when_ranges_are_not_served()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.IgnoreRanges = true;
        var notes = new NoticeCollector();

        var result = await hub.FetchAsync(hub.ParallelOptions, r => r.WithInclude(Weights), notes);

        Assert.Equal(hub.Weights.Sha256, result.File(Weights)!.Sha256);
        Assert.Contains(notes.Notices, n => n.Contains("does not serve byte ranges"));
        Assert.Equal(hub.Weights.Size, File.ReadAllBytes(hub.Pointer(hub.Weights)).LongLength);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_corrupted_body_is_detected_and_deleted(bool parallel)
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.Corrupt(Weights, 1234);
        var failure = await Assert.ThrowsAsync<HubIntegrityException>(() =>
            hub.FetchAsync(parallel ? hub.ParallelOptions : hub.Options, r => r.WithInclude(Weights)));

        Assert.Contains("sha256", failure.Problem);
        Assert.Contains(hub.Weights.Sha256, failure.Problem);
        Assert.Contains("deleted", failure.Problem);
        Assert.Equal(5, (int)failure.ExitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(hub.RepoFolder, "blobs")));
        Assert.False(File.Exists(hub.Pointer(hub.Weights)));

        var result = await hub.FetchAsync(request: r => r.WithInclude(Weights));
        Assert.Equal(FileStatus.Downloaded, result.File(Weights)!.Status);
    }

    [Fact]
    public async Task A_stalled_connection_times_out_and_resumes_where_it_stopped()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.StallAfter(Weights, 64 * 1024);

        var result = await hub.FetchAsync(hub.Options.WithIdleTimeout(TimeSpan.FromMilliseconds(400)), r => r.WithInclude(Weights));

        Assert.Equal(hub.Weights.Size, File.ReadAllBytes(hub.Pointer(hub.Weights)).LongLength);
        Assert.Equal(["", "bytes=65536-"], hub.Server.Log.BodyRequests.Where(r => r.BlobHost).Select(r => r.Range));
        Assert.Equal(hub.Weights.Size, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(hub.Weights.Sha256, result.File(Weights)!.Sha256);
    }

    [Fact]
    public async Task Concurrent_fetches_of_the_same_repo_download_each_blob_once_and_do_not_corrupt_the_cache()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.Slow(Weights, TimeSpan.FromMilliseconds(5));

        var results = await Task.WhenAll(hub.FetchAsync(), hub.FetchAsync(hub.ParallelOptions), hub.FetchAsync());

        Assert.Equal(hub.Weights.Size, hub.Server.Log.BodyBytes(Weights));
        Assert.Equal(1, results.Count(r => r.File(Weights)!.Status == FileStatus.Downloaded));
        Assert.All(results, r => Assert.Equal(hub.Commit, r.Commit));
        Assert.Equal(hub.Weights.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(hub.Pointer(hub.Weights)))));
        Assert.Empty(Directory.GetFiles(Path.Combine(hub.RepoFolder, "blobs"), "*.incomplete*"));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(hub.RepoFolder, "blobs")).Length);
    }

    [Fact]
    public async Task A_download_larger_than_the_free_disk_space_fails_before_any_byte_is_fetched()
    {
        await using var hub = await HubScenario.StartAsync();
        hub.Server.Faults.AnnouncedSize = 1L << 60;

        var failure = await Assert.ThrowsAsync<HubDiskFullException>(() => hub.FetchAsync(request: r => r.WithInclude(Weights)));

        Assert.Equal(1L << 60, failure.NeededBytes);
        Assert.Contains("the download needs 1048576.0 TiB more", failure.Problem);
        Assert.Contains("HF_HUB_CACHE", failure.Fix);
        Assert.Equal(3, (int)failure.ExitCode);
        Assert.Equal("disk-full", failure.Kind); // the environment, not a missing toolchain (what --json prints as error.kind)
        Assert.Empty(hub.Server.Log.BodyRequests);
    }

    /// <summary>Sums the per-chunk byte counts of a progress record (after its 24-byte header).</summary>
    private static long KeptBytes(string partsPath)
    {
        var bytes = File.ReadAllBytes(partsPath);
        long sum = 0;
        for (var o = 24; o < bytes.Length; o += 8) sum += BitConverter.ToInt64(bytes, o);
        return sum;
    }

    private sealed class NoticeCollector : IFetchObserver
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Notices { get; } = [];
        public void Planned(FetchPlan plan) { }
        public void FileStarted(string path, long size, long alreadyPresent) { }
        public void BytesReceived(string path, long bytes) { }
        public void FileFinished(FetchedFile file) { }
        public void Notice(string message) => Notices.Add(message);
    }
}
