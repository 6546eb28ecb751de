using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Ava.Compiler.Tests.HuggingFace.Server;

// Fetch one large file from a loopback Hub and compare with curl on the same URL in the same run; then kill a fetch
// at 50 % and count how many bytes the resumed fetch makes the server send again.
// Usage: FetchBench <path to the alc binary> [size in MiB, default 1024] [rounds, default 3]
if (args is ["serve", var mib])
{
    // Manual runs: keep a server with one file up until killed, and print its endpoint.
    var dir = Directory.CreateTempSubdirectory("alc-fetch-serve-").FullName;
    var data = Path.Combine(dir, "data.bin");
    var digest = WriteRandomFile(data, (long)int.Parse(mib, CultureInfo.InvariantCulture) << 20);
    await using var hub = await HubTestServer.StartAsync();
    hub.WriteSize = 1 << 20;
    hub.AddRepo("bench/large-model").Commit("main", new ServedFile("model.safetensors", data, digest));
    Console.WriteLine(hub.Endpoint);
    var stop = new TaskCompletionSource();
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
    using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
    await stop.Task;
    Directory.Delete(dir, recursive: true);
    return;
}
var alc = args.Length > 0 ? Path.GetFullPath(args[0]) : throw new ArgumentException("pass the alc binary (scripts/bench-fetch does)");
var sizeMiB = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var size = (long)sizeMiB << 20;
const string RepoId = "bench/large-model";
const string FileName = "model.safetensors";

var work = Directory.CreateTempSubdirectory("alc-fetch-bench-").FullName;
try
{
    Console.WriteLine($"Writing a {sizeMiB} MiB file...");
    var dataPath = Path.Combine(work, "data.bin");
    var sha = WriteRandomFile(dataPath, size);

    await using var server = await HubTestServer.StartAsync();
    server.WriteSize = 1 << 20;
    server.AddRepo(RepoId).Commit("main", new ServedFile(FileName, dataPath, sha));
    var url = $"{server.Endpoint}/{RepoId}/resolve/main/{FileName}";

    var curlSeconds = new List<double>();
    var curlSameWorkSeconds = new List<double>();
    var alcSeconds = new List<double>();
    var alcOneSeconds = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        // Each measurement starts with no dirty pages of the one before, so none pays for another's write-back.
        Settle();
        curlSeconds.Add(await CurlAsync(url, size));
        Settle();
        alcOneSeconds.Add(await FetchWithCliAsync(alc, server, Path.Combine(work, $"cache-{round}-one"), connections: 1, sha));
        Settle();
        alcSeconds.Add(await FetchWithCliAsync(alc, server, Path.Combine(work, $"cache-{round}"), connections: 4, sha));
        // Last in the round: the run after it pays for reclaiming its gigabyte of page cache.
        Settle();
        curlSameWorkSeconds.Add(await CurlToDiskAndCheckAsync(url, size, Path.Combine(work, "curl.bin"), sha));
        Console.WriteLine($"round {round}: curl {Rate(size, curlSeconds[^1])}, alc fetch (default: 1 connection, up to 4 when slow) {Rate(size, alcSeconds[^1])}, alc fetch (1 connection) {Rate(size, alcOneSeconds[^1])}");
    }
    var curl = Median(curlSeconds);
    var curlSameWork = Median(curlSameWorkSeconds);
    var alc4 = Median(alcSeconds);
    var alc1 = Median(alcOneSeconds);
    Console.WriteLine();
    Console.WriteLine($"throughput, median of {rounds}: curl -o /dev/null {Rate(size, curl)}; alc fetch {Rate(size, alc4)} (default), {Rate(size, alc1)} (ALC_FETCH_CONNECTIONS=1)");
    Console.WriteLine($"ratio alc/curl: {curl / alc4:0.00} default, {curl / alc1:0.00} with ALC_FETCH_CONNECTIONS=1 (goal >= 0.9; alc also starts .NET, asks the API, writes to disk and checks sha256; curl writes to /dev/null)");
    Console.WriteLine($"same work by curl (curl -o FILE, then openssl sha256 FILE): {Rate(size, curlSameWork)}; ratio alc/that: {curlSameWork / alc4:0.00} default, {curlSameWork / alc1:0.00} with one connection");
    // What verification alone costs here: no client that checks the Hub's sha256 can be faster than hashing the bytes.
    var hashOnly = Median(Enumerable.Range(0, rounds).Select(_ => HashOnlySeconds(dataPath, sha)).ToList());
    Console.WriteLine($"sha256 alone of the same bytes from the page cache (openssl dgst -sha256): {Rate(size, hashOnly)}; " +
                      $"so a verifying client reaches at most {curl / hashOnly:0.00} of curl -o /dev/null on this machine (less when the cores are shared with the server)");
    Console.WriteLine();

    foreach (var connections in new[] { 4, 1 })
    {
        var (kept, resent) = await KillAndResumeAsync(server, alc, Path.Combine(work, $"resume-{connections}"), connections, size, dataPath);
        Console.WriteLine($"resume after a kill at 50 % ({connections} connection{(connections > 1 ? "s" : "")}): {kept:N0} bytes kept on disk, " +
                          $"{resent:N0} bytes re-sent by the resume ({resent / (double)(1 << 20):0.00} MiB; goal: at most the last unrecorded piece, 1 MiB per connection)");
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static string WriteRandomFile(string path, long size)
{
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    var buffer = new byte[1 << 20];
    var random = new Random(42);
    for (long written = 0; written < size; written += buffer.Length)
    {
        random.NextBytes(buffer);
        file.Write(buffer);
        hash.AppendData(buffer);
    }
    return Convert.ToHexStringLower(hash.GetHashAndReset());
}

static void Settle()
{
    using var sync = Process.Start("sync")!;
    sync.WaitForExit();
}

static double HashOnlySeconds(string file, string sha)
{
    var clock = Stopwatch.StartNew();
    CheckSha256WithOpenssl(file, sha);
    return clock.Elapsed.TotalSeconds;
}

// The peer doing what alc does: the body lands on disk and its sha256 is checked, one after the other.
static async Task<double> CurlToDiskAndCheckAsync(string url, long size, string file, string sha)
{
    var clock = Stopwatch.StartNew();
    using (var curl = Process.Start(new ProcessStartInfo("curl", ["-s", "-L", "-o", file, url]))!)
    {
        await curl.WaitForExitAsync();
        if (curl.ExitCode != 0 || new FileInfo(file).Length != size) throw new InvalidOperationException($"curl -o {file} failed (exit {curl.ExitCode})");
    }
    CheckSha256WithOpenssl(file, sha);
    var seconds = clock.Elapsed.TotalSeconds;
    File.Delete(file);
    return seconds;
}

static void CheckSha256WithOpenssl(string file, string sha)
{
    using var digest = Process.Start(new ProcessStartInfo("openssl", ["dgst", "-sha256", "-r", file]) { RedirectStandardOutput = true })!;
    var line = digest.StandardOutput.ReadToEnd();
    digest.WaitForExit();
    if (!line.StartsWith(sha, StringComparison.Ordinal)) throw new InvalidOperationException($"openssl dgst -sha256 {file}: {line}");
}

static async Task<double> CurlAsync(string url, long size)
{
    var psi = new ProcessStartInfo("curl", ["-s", "-L", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", url]) { RedirectStandardOutput = true };
    using var curl = Process.Start(psi)!;
    var output = (await curl.StandardOutput.ReadToEndAsync()).Split(' ');
    await curl.WaitForExitAsync();
    if (curl.ExitCode != 0 || long.Parse(output[0], CultureInfo.InvariantCulture) != size) throw new InvalidOperationException($"curl failed: {string.Join(' ', output)}");
    return double.Parse(output[1], CultureInfo.InvariantCulture);
}

// The real CLI in its own process, like curl: start-up, revision lookup, metadata, download, sha256 check and rename.
static async Task<double> FetchWithCliAsync(string alc, HubTestServer server, string cache, int connections, string sha)
{
    var clock = Stopwatch.StartNew();
    using var run = StartAlc(alc, server, cache, connections);
    var stderr = run.StandardError.ReadToEndAsync();
    await run.StandardOutput.ReadToEndAsync();
    await run.WaitForExitAsync();
    var seconds = clock.Elapsed.TotalSeconds;
    if (run.ExitCode != 0) throw new InvalidOperationException($"alc fetch failed: {await stderr}");
    var blob = Directory.GetFiles(cache, sha, SearchOption.AllDirectories).Single();
    if (new FileInfo(blob).Length == 0) throw new InvalidOperationException("empty blob");
    Directory.Delete(cache, recursive: true);
    return seconds;
}

// Runs the real CLI as a child process, SIGKILLs it once the server has sent half the file, then reruns it to the end.
static async Task<(long Kept, long Resent)> KillAndResumeAsync(HubTestServer server, string alc, string cache, int connections, long size, string dataPath)
{
    server.Log.Clear();
    var first = StartAlc(alc, server, cache, connections, splitAtOnce: connections > 1);
    while (server.Log.BodyBytes(FileName) < size / 2 && !first.HasExited) await Task.Delay(2);
    var killedAt = server.Log.BodyBytes(FileName);
    first.Kill(entireProcessTree: true);
    await first.WaitForExitAsync();
    // The server learns of the dead connections a moment later; wait until its count settles.
    long servedBeforeKill;
    do
    {
        servedBeforeKill = server.Log.BodyBytes(FileName);
        await Task.Delay(300);
    } while (server.Log.BodyBytes(FileName) != servedBeforeKill);
    var incomplete = Directory.GetFiles(cache, "*.incomplete", SearchOption.AllDirectories).Single();
    var kept = KeptBytes(incomplete);
    var onDisk = ValidBytesOnDisk(incomplete, dataPath, size);

    var second = StartAlc(alc, server, cache, connections, splitAtOnce: connections > 1);
    var stderr = second.StandardError.ReadToEndAsync();
    await second.WaitForExitAsync();
    if (second.ExitCode != 0) throw new InvalidOperationException($"the resumed fetch failed: {await stderr}");
    var servedAfter = server.Log.BodyBytes(FileName) - servedBeforeKill;
    Console.WriteLine($"  {connections} connection(s): killed when {killedAt:N0} bytes were sent; the server had sent {servedBeforeKill:N0} when it noticed; " +
                      $"{onDisk:N0} correct bytes were on disk, {kept:N0} of them recorded as kept; the resumed fetch was sent {servedAfter:N0} bytes");
    // Re-sent = bytes the server had to send a second time. Bytes still in socket buffers when the process died are
    // lost to any downloader; what the resume itself wastes is what it asks for beyond the bytes already on disk.
    return (kept, servedAfter - (size - onDisk));
}

// Bytes of the partial file that already equal the source: the recorded prefix of each chunk plus anything written
// after the last progress record (which the resume re-fetches: that is its waste).
static long ValidBytesOnDisk(string incomplete, string source, long size)
{
    var parts = incomplete + ".parts";
    if (!File.Exists(parts)) return new FileInfo(incomplete).Length;
    var header = File.ReadAllBytes(parts);
    var chunkSize = BitConverter.ToInt64(header, 16);
    using var a = File.OpenRead(incomplete);
    using var b = File.OpenRead(source);
    var x = new byte[1 << 16];
    var y = new byte[1 << 16];
    long valid = 0;
    for (long start = 0; start < size; start += chunkSize)
    {
        var end = Math.Min(size, start + chunkSize);
        for (var at = start; at < end;)
        {
            a.Position = at;
            b.Position = at;
            var n = a.Read(x, 0, (int)Math.Min(x.Length, end - at));
            b.ReadExactly(y, 0, n);
            var same = 0;
            while (same < n && x[same] == y[same]) same++;
            valid += same;
            if (same < n || n == 0) break;
            at += n;
        }
    }
    return valid;
}

static long KeptBytes(string incomplete)
{
    var parts = incomplete + ".parts";
    if (!File.Exists(parts)) return new FileInfo(incomplete).Length;
    var bytes = File.ReadAllBytes(parts);
    long sum = 0;
    for (var o = 24; o < bytes.Length; o += 8) sum += BitConverter.ToInt64(bytes, o);
    return sum;
}

static Process StartAlc(string alc, HubTestServer server, string cache, int connections, bool splitAtOnce = false)
{
    var psi = new ProcessStartInfo(alc, ["fetch", RepoId]) { RedirectStandardError = true, RedirectStandardOutput = true };
    psi.Environment["HF_ENDPOINT"] = server.Endpoint;
    psi.Environment["HF_HUB_CACHE"] = cache;
    psi.Environment["ALC_FETCH_CONNECTIONS"] = connections.ToString(CultureInfo.InvariantCulture);
    if (splitAtOnce) psi.Environment["ALC_FETCH_PROBE_SECONDS"] = "0";
    psi.Environment["CI"] = "true";
    return Process.Start(psi)!;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static string Rate(long bytes, double seconds) => $"{bytes / seconds / (1 << 20):0} MiB/s ({seconds:0.00} s)";
