using System.Diagnostics;
using Ava.Compiler.Processes;
using CliWrap;

namespace Ava.Compiler.Processes;

/// <summary>
/// Makes a tool (MLC-LLM's Python, and whatever it starts) die with alc, even when alc is killed with SIGKILL and can
/// run no code of its own. The tool runs under a small bash watchdog: the tool gets its own process group (<c>set -m</c>),
/// and the watchdog reads a pipe whose write end only alc holds (the watchdog's stdin). When alc dies the kernel closes
/// that end, the read sees EOF, and the watchdog kills the tool's whole group (TERM, then KILL after 3 s). The same
/// logic works on Linux and macOS (no PR_SET_PDEATHSIG, which macOS lacks, and which would only reach the direct child).
/// Each group id is also appended to <c>&lt;build&gt;/.children</c>, so the next run on the folder finds and kills a group
/// left behind if the watchdog itself was killed too (<see cref="CleanStale"/>).
/// </summary>
public static class ChildGuard
{
    /// <summary>The variable naming the group record; children inherit it, which is how a later run recognises them.</summary>
    public const string GroupsVariable = "ALC_CHILD_GROUPS";

    private const string Bash = "/bin/bash";

    // $1.. is the tool's command line. fd 3 keeps the watched pipe for the watchdog only; the tool reads /dev/null.
    // Job control is on only while the two groups are made (set +m then: no "[1] Exit" notices in the tool's log).
    private const string Script = """
        set -m
        exec 3<&0
        "$@" </dev/null 3<&- &
        child=$!
        if [ -n "${ALC_CHILD_GROUPS:-}" ]; then echo "$child" >> "$ALC_CHILD_GROUPS"; fi
        ( while read -r _ <&3; do :; done
          kill -TERM -- "-$child" 2>/dev/null; sleep 3; kill -KILL -- "-$child" 2>/dev/null ) &
        watcher=$!
        set +m
        exec 3<&-
        wait "$child"; status=$?
        kill -- "-$watcher" 2>/dev/null
        exit "$status"
        """;

    /// <summary>Whether tools run guarded here (bash is part of every Linux and macOS alc supports; not Windows).</summary>
    public static bool Available => !OperatingSystem.IsWindows() && File.Exists(Bash);

    /// <summary>The program and arguments that run <paramref name="command"/> under the watchdog (unchanged where it is unavailable).</summary>
    /// <remarks>
    /// A program that cannot be found is not wrapped, so starting it fails as before (exit 3, "cannot start"), instead of
    /// becoming bash's exit 127 (which would read as a tool that ran and failed).
    /// </remarks>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(ToolCommand command) =>
        Available && Startable(command)
            ? (Bash, ["-c", Script, "alc-child-guard", command.FileName, .. command.Arguments])
            : (command.FileName, command.Arguments);

    private static bool Startable(ToolCommand command)
    {
        var file = command.FileName;
        if (file.Contains('/')) return File.Exists(Path.IsPathRooted(file) || command.WorkingDirectory is null ? file : Path.Combine(command.WorkingDirectory, file));
        var path = command.Environment.TryGetValue("PATH", out var p) && p is not null ? p : Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, file)));
    }

    /// <summary>The watched pipe: alc writes nothing and keeps it open until the tool ends (or alc dies).</summary>
    public static PipeSource KeepAlive { get; } = PipeSource.Create(async (_, ct) =>
    {
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
    });

    /// <summary>Where a build folder records its tools' process groups.</summary>
    public static string GroupsFile(string buildRoot) => Path.Combine(buildRoot, ".children");

    /// <summary>
    /// Kills the process groups a previous, killed run left working in this build folder (called with the folder's lock
    /// held, so no live run owns them). A recorded group counts only while its leader still carries this folder's
    /// <see cref="GroupsVariable"/> (read from /proc on Linux), so a reused process id is never touched. Returns the
    /// group ids killed.
    /// </summary>
    public static IReadOnlyList<int> CleanStale(string buildRoot)
    {
        var file = GroupsFile(buildRoot);
        if (!File.Exists(file)) return [];
        var killed = new List<int>();
        foreach (var line in File.ReadAllLines(file))
        {
            if (!int.TryParse(line.Trim(), out var group) || group <= 1 || !IsOurs(group, file)) continue;
            Signal(group, "TERM");
            var until = DateTime.UtcNow.AddSeconds(3);
            while (IsOurs(group, file) && DateTime.UtcNow < until) Thread.Sleep(50);
            if (IsOurs(group, file)) Signal(group, "KILL");
            killed.Add(group);
        }
        File.Delete(file);
        return killed;
    }

    private static bool IsOurs(int pid, string groupsFile)
    {
        if (!OperatingSystem.IsLinux()) return ProcessAlive(pid);
        try
        {
            var environ = File.ReadAllText($"/proc/{pid}/environ");
            if (File.ReadAllText($"/proc/{pid}/stat").Split(") ").LastOrDefault()?.StartsWith('Z') == true) return false; // a zombie is already dead
            return environ.Split('\0').Contains($"{GroupsVariable}={groupsFile}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static bool ProcessAlive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void Signal(int group, string signal)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo(Bash, ["-c", $"kill -{signal} -- -{group}"]) { UseShellExecute = false });
            kill?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception) { }
    }
}
