using System.Diagnostics;
using System.Text;
using Ava.Compiler.Errors;
using Ava.Compiler.Pipeline;

namespace Ava.Compiler.Processes;

/// <summary>
/// Runs an external program for a stage: streams its stdout and stderr line by line to the stage log (and to an
/// optional live callback), measures wall time and the peak memory of its whole process tree, and turns a non-zero
/// exit into <see cref="ExternalToolException"/> (exit 4) carrying the last lines of the log and the log path.
/// Cancelling kills the whole process tree.
/// </summary>
public static class ToolRunner
{
    public const int TailLines = 20;

    public static async Task<ToolMetrics> RunAsync(ToolCommand command, string logPath, Action<string>? onLine,
        Func<string, string>? redact, CancellationToken cancellationToken)
    {
        redact ??= s => s;
        var tail = new Queue<string>();
        var gate = new object();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        await using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        log.WriteLine($"$ {redact(command.Display)}");
        log.Flush();

        void Line(string raw)
        {
            var line = redact(raw);
            lock (gate)
            {
                log.WriteLine(line);
                log.Flush();
                tail.Enqueue(line);
                while (tail.Count > TailLines) tail.Dequeue();
            }
            onLine?.Invoke(line);
        }

        // Under ChildGuard the tool dies with alc, even when alc is killed with SIGKILL.
        var (file, arguments) = ChildGuard.Wrap(command);
        var guarded = command with { FileName = file, Arguments = arguments };

        var clock = Stopwatch.StartNew();
        int exitCode;
        long peak;
        try
        {
            var started = StreamedProcess.Start(guarded, Line, cancellationToken, ChildGuard.KeepAlive);
            await using (var sampler = new ProcessTreeSampler(started.ProcessId, TimeSpan.FromMilliseconds(100)))
            {
                exitCode = await started.Exit;
                peak = sampler.PeakBytes;
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolchainMissingException($"Cannot start '{command.FileName}': {e.Message}.",
                "Check the toolchain locations with 'alc doctor' and set the path of this program there.", e);
        }
        var wall = clock.Elapsed.TotalSeconds;
        log.WriteLine($"# exit {exitCode} after {wall:0.000} s, peak memory {peak / (1024 * 1024)} MiB");
        log.Flush();

        var run = new ToolMetrics(redact(command.Display), exitCode, Math.Round(wall, 3), peak, logPath);
        if (exitCode != 0)
        {
            string lastLines;
            lock (gate) lastLines = string.Join("\n", tail);
            if (lastLines.Contains("No space left on device", StringComparison.Ordinal) || lastLines.Contains("ENOSPC", StringComparison.Ordinal))
                throw new DiskFullException($"{Path.GetFileName(command.FileName)} ran out of disk space ({Describe(command)}; log: {logPath}).",
                    $"Free space on the disk holding the build folder (or put the build folder{Remedy.Of(UserInput.BuildFolder)} on a larger one) and rerun; finished stages are kept.");
            throw new ExternalToolException(
                $"{Path.GetFileName(command.FileName)} failed with exit code {exitCode} ({Describe(command)}). Last lines of its log:\n{lastLines}",
                "Read the log for the cause; finished stages are kept, so rerunning the same command resumes here.",
                logPath);
        }
        return run;
    }

    private static string Describe(ToolCommand command)
    {
        var words = command.Arguments.TakeWhile(a => !a.StartsWith('-') || a == "-m").Take(3);
        return string.Join(' ', new[] { Path.GetFileName(command.FileName) }.Concat(words));
    }
}
