using System.Globalization;

namespace Ava.Compiler.Pipeline;

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
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            var ppid = ParentOf(pid);
            if (ppid < 0) continue;
            if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
            list.Add(pid);
        }
        long total = 0;
        var stack = new Stack<int>();
        stack.Push(rootPid);
        var visited = new HashSet<int>();
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
