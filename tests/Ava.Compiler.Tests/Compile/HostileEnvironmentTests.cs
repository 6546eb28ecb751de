using System.Diagnostics;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Processes;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// alc compile (stand-in MLC) as its own process in a hostile environment: a tiny disk (a tmpfs of a few KiB or MiB,
/// mounted in a private mount namespace by unshare), and a kill -9 in the middle of a tool run.
/// </summary>
public class HostileEnvironmentTests
{
    private static readonly string Alc = Path.Combine(AppContext.BaseDirectory, "alc.dll");

    private static ProcessStartInfo AlcProcess(CompileHarness h, IReadOnlyDictionary<string, string> env, string? tmpfsAt, string tmpfsSize, params string[] args)
    {
        // unshare -m needs root; -r maps the caller to root in a user namespace where it may mount (unprivileged CI).
        var mount = tmpfsAt is null ? "" : $"mkdir -p \"$ALC_TEST_DISK\" && mount -t tmpfs -o size={tmpfsSize} tmpfs \"$ALC_TEST_DISK\" && ";
        var psi = tmpfsAt is null
            ? new ProcessStartInfo("dotnet")
            : new ProcessStartInfo("unshare", [Environment.UserName == "root" ? "-m" : "-rm", "/bin/sh", "-c", mount + "exec dotnet \"$0\" \"$@\""]);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.WorkingDirectory = h.Dir.Path;
        psi.ArgumentList.Add(Alc);
        foreach (var a in h.Args(args)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["HOME"] = h.Dir.Path;
        psi.Environment["DOTNET_CLI_HOME"] = h.Dir.Path;
        psi.Environment["NO_COLOR"] = "1";
        if (tmpfsAt is not null) psi.Environment["ALC_TEST_DISK"] = tmpfsAt;
        return psi;
    }

    private static (int ExitCode, string StdOut, string StdErr) Run(ProcessStartInfo psi)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "alc compile hung");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static TheoryData<string, string> Disks => new()
    {
        // size of the disk holding build/, dist/ and registry/; what alc says (a stage's tool or write runs out / the publish reserve)
        { "48k", "ran out of disk space|The disk is full" },
        { "4m", "only \\d+ KiB free.*Nothing was published or registered" },
    };

    [Theory]
    [MemberData(nameof(Disks))]
    public void A_full_disk_is_exit_3_with_a_clear_message_and_nothing_published_or_registered(string size, string says)
    {
        using var h = new CompileHarness();
        var disk = h.Dir["disk"];
        var r = Run(AlcProcess(h, h.Environment(), disk, size,
            "--build-dir", Path.Combine(disk, "build"), "--out", Path.Combine(disk, "dist"), "--registry", Path.Combine(disk, "registry")));

        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.StdOut}\n{r.StdErr}");
        using var doc = System.Text.Json.JsonDocument.Parse(r.StdOut);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("disk-full", error.GetProperty("kind").GetString());
        Assert.Matches(says, error.GetProperty("problem").GetString());
        // The tmpfs vanished with the namespace; the checks that matter ran inside it, so ask alc's own words:
        Assert.DoesNotContain("internal error", r.StdOut + r.StdErr);
        Assert.DoesNotContain("registry: ", r.StdErr);
        Assert.DoesNotContain("dist: wrote", r.StdErr);
    }

    [Fact]
    public async Task A_tool_dies_with_alc_when_alc_is_killed_with_SIGKILL()
    {
        using var h = new CompileHarness();
        var pidFile = h.Dir["standin.pid"];
        var psi = AlcProcess(h, h.Environment(("MLC_STANDIN_HANG", "convert_weight"), ("MLC_STANDIN_PIDFILE", pidFile)), null, "");
        using var alc = Process.Start(psi)!;
        _ = alc.StandardOutput.ReadToEndAsync();
        _ = alc.StandardError.ReadToEndAsync();

        var started = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || File.ReadAllText(pidFile).Length == 0)
        {
            Assert.True(started.Elapsed < TimeSpan.FromMinutes(2) && !alc.HasExited, "the stand-in never started");
            await Task.Delay(100);
        }
        var tool = int.Parse(File.ReadAllText(pidFile));
        Assert.True(Alive(tool));

        alc.Kill(); // SIGKILL: alc runs no code of its own after this
        await alc.WaitForExitAsync();

        var gone = Stopwatch.StartNew();
        while (Alive(tool) && gone.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        Assert.False(Alive(tool), $"the MLC stand-in (pid {tool}) outlived alc");
    }

    [Fact]
    public async Task The_next_run_stops_a_tool_group_a_killed_run_left_in_the_build_folder()
    {
        using var h = new CompileHarness();
        var folder = new BuildFolder(h.Build);
        Directory.CreateDirectory(folder.Root);
        var groups = ChildGuard.GroupsFile(folder.Root);
        // A stray as a killed run leaves it: its own process group (setsid), carrying the folder's group record variable.
        var psi = new ProcessStartInfo("setsid", ["sleep", "300"]) { UseShellExecute = false };
        psi.Environment[ChildGuard.GroupsVariable] = groups;
        using var stray = Process.Start(psi)!;
        File.WriteAllText(groups, $"{stray.Id}\n");
        var unrelated = Process.Start(new ProcessStartInfo("setsid", ["sleep", "300"]) { UseShellExecute = false })!;
        File.AppendAllText(groups, $"{unrelated.Id}\n"); // recorded, but not ours: never touched

        try
        {
            var r = await h.RunAsync();

            Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
            Assert.True(stray.WaitForExit(TimeSpan.FromSeconds(10)), "the stray tool group was not stopped");
            Assert.False(unrelated.HasExited, "a process that does not carry the folder's record was killed");
        }
        finally
        {
            if (!unrelated.HasExited) unrelated.Kill();
            if (!stray.HasExited) stray.Kill();
        }
    }

    private static bool Alive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');
}
