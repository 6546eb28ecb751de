using System.Diagnostics;

namespace Ava.Compiler.Diagnostics;

/// <summary>
/// A developer's stopwatch for short commands: with <c>ALC_TIMINGS=1</c> in the process environment, phases marked
/// along the way are kept (time since process start and since the previous mark) and the CLI prints them on stderr
/// at exit. Off by default; a mark then costs one static bool read.
/// </summary>
public static class PhaseClock
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("ALC_TIMINGS") is { Length: > 0 } v && v != "0";

    private static readonly List<(string Phase, double SinceStartMs, double StepMs)> Marks = [];
    private static double _lastMs;

    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var now = SinceProcessStartMs();
        lock (Marks)
        {
            Marks.Add((phase, now, now - _lastMs));
            _lastMs = now;
        }
    }

    /// <summary>One line per mark: <c>  123.4 ms  (+12.3)  phase</c>, plus the process's CPU time so far.</summary>
    public static IEnumerable<string> Lines()
    {
        lock (Marks)
        {
            foreach (var (phase, at, step) in Marks) yield return $"{at,8:F1} ms  (+{step,7:F1})  {phase}";
        }
        using var self = Process.GetCurrentProcess();
        yield return $"cpu {self.TotalProcessorTime.TotalMilliseconds:F0} ms (user {self.UserProcessorTime.TotalMilliseconds:F0}); " +
                     $"jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms; " +
                     $"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pausing {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, " +
                     $"allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F1} MB; peak working set {self.PeakWorkingSet64 / 1048576.0:F1} MB";
    }

    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;

    private static double SinceProcessStartMs() => (DateTime.UtcNow - ProcessStart).TotalMilliseconds;
}
