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

    private static readonly List<(string Phase, double SinceStartMs, double StepMs, double CpuStepMs)> Marks = [];
    private static double _lastMs, _lastCpuMs;

    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var now = SinceProcessStartMs();
        var cpu = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        lock (Marks)
        {
            Marks.Add((phase, now, now - _lastMs, cpu - _lastCpuMs));
            _lastMs = now;
            _lastCpuMs = cpu;
        }
    }

    /// <summary>One line per mark: <c>  123.4 ms  (+12.3, cpu +10.0)  phase</c> (wall time since process start, wall and
    /// CPU time since the previous mark; CPU time is what a loaded machine does not distort), then totals.</summary>
    public static IEnumerable<string> Lines()
    {
        lock (Marks)
        {
            foreach (var (phase, at, step, cpu) in Marks) yield return $"{at,8:F1} ms  (+{step,7:F1}, cpu +{cpu,6:F1})  {phase}";
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
