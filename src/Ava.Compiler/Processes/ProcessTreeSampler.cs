using System.Globalization;

namespace Ava.Compiler.Processes;

/// <summary>
/// Samples the resident memory of a process and all its descendants from /proc, keeping the highest total seen.
/// Python tools fork helpers (compilers, linkers), so the root process alone would understate the peak.
/// On systems without /proc it reports 0.
/// </summary>
public sealed class ProcessTreeSampler : IAsyncDisposable
{
    private static readonly long PageSize = Environment.SystemPageSize;
    private readonly int _rootPid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public ProcessTreeSampler(int rootPid, TimeSpan interval)
    {
        _rootPid = rootPid;
        SampleOnce();
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await Task.Delay(interval, _stop.Token);
                    SampleOnce();
                }
            }
            catch (OperationCanceledException) { }
        });
    }

    public long PeakBytes => Interlocked.Read(ref _peak);

    public void SampleOnce()
    {
        var total = TreeResidentBytes(_rootPid);
        long seen;
        while (total > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, total, seen) != seen) { }
    }

    /// <summary>Sum of resident memory of <paramref name="rootPid"/> and every process below it.</summary>
    public static long TreeResidentBytes(int rootPid)
    {
        if (!Directory.Exists("/proc")) return 0;
        // Read the root before walking /proc: on a busy machine the walk takes long enough for a short tool to exit.
        var rootBytes = ResidentBytes(rootPid);
        if (rootBytes == 0) return 0;
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            var ppid = ParentOf(pid);
            if (ppid < 0) continue;
            if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
            list.Add(pid);
        }
        long total = rootBytes;
        var stack = new Stack<int>();
        var visited = new HashSet<int> { rootPid };
        if (children.TryGetValue(rootPid, out var first)) foreach (var k in first) stack.Push(k);
        while (stack.Count > 0)
        {
            var pid = stack.Pop();
            if (!visited.Add(pid)) continue;
            total += ResidentBytes(pid);
            if (children.TryGetValue(pid, out var kids)) foreach (var k in kids) stack.Push(k);
        }
        return total;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // The command name in field 2 may contain spaces and parentheses: parse after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    private static long ResidentBytes(int pid)
    {
        try
        {
            // VmHWM is the process's own high-water mark, so a sample taken late still sees an earlier peak.
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            var statm = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return long.Parse(statm[1], CultureInfo.InvariantCulture) * PageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
