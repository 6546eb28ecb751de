using Ava.Compiler.Processes;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Pipeline;

public class StageEngineTests
{
    /// <summary>Copies an input file (by content) and appends a setting; counts its runs.</summary>
    private sealed class CopyStage(string name, string input, Func<string> setting) : IStage
    {
        public int Runs;
        public bool Crash;
        public string Name => name;
        public IReadOnlyList<string> DependsOn => [];

        public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
            key.AddFile("input", input, context.HashCache).Add("setting", setting());

        public Task<StageOutcome> RunAsync(StageContext context)
        {
            Runs++;
            File.WriteAllText(Path.Combine(context.OutputDirectory, "half.txt"), "written before the crash");
            if (Crash) throw new ExternalToolException("the tool crashed", "rerun");
            File.WriteAllText(Path.Combine(context.OutputDirectory, "out.txt"), File.ReadAllText(input) + setting());
            return Task.FromResult(new StageOutcome("copied", new System.Text.Json.Nodes.JsonObject { ["setting"] = setting() }));
        }
    }

    /// <summary>Reads its dependency's output and data.</summary>
    private sealed class UpperStage(string after) : IStage
    {
        public int Runs;
        public string Name => "upper";
        public IReadOnlyList<string> DependsOn => [after];
        public void DescribeInputs(KeyBuilder key, StageKeyContext context) => key.Add("stage-version", 1);

        public Task<StageOutcome> RunAsync(StageContext context)
        {
            Runs++;
            var text = File.ReadAllText(Path.Combine(context.OutputOf(after), "out.txt"));
            File.WriteAllText(Path.Combine(context.OutputDirectory, "upper.txt"), text.ToUpperInvariant() + context.DataOf(after)["setting"]);
            return Task.FromResult(StageOutcome.Empty);
        }
    }

    [Fact]
    public async Task A_rerun_with_unchanged_inputs_runs_no_stage()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var copy = new CopyStage("copy", input, () => "1");
        var upper = new UpperStage("copy");
        var engine = new StageEngine([copy, upper]);
        var folder = new BuildFolder(dir["build"]);

        var first = await engine.RunAsync(folder, NullReporter.Instance);
        var second = await engine.RunAsync(folder, NullReporter.Instance);

        Assert.All(first, r => Assert.Equal(StageStatus.Ran, r.Status));
        Assert.All(second, r => Assert.Equal(StageStatus.Skipped, r.Status));
        Assert.Equal((1, 1), (copy.Runs, upper.Runs));
        Assert.Equal("ABC11", File.ReadAllText(Path.Combine(folder.StageDirectory("upper"), "upper.txt")));
    }

    [Fact]
    public async Task Changing_a_setting_reruns_that_stage_and_the_stages_after_it_only()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var setting = "1";
        var source = new CopyStage("source", input, () => "fixed");
        var copy = new CopyStage("copy", input, () => setting);
        var upper = new UpperStage("copy");
        var engine = new StageEngine([source, copy, upper]);
        var folder = new BuildFolder(dir["build"]);
        await engine.RunAsync(folder, NullReporter.Instance);

        setting = "2";
        var rerun = await engine.RunAsync(folder, NullReporter.Instance);

        Assert.Equal([StageStatus.Skipped, StageStatus.Ran, StageStatus.Ran], rerun.Select(r => r.Status));
        Assert.Equal("ABC22", File.ReadAllText(Path.Combine(folder.StageDirectory("upper"), "upper.txt")));
    }

    [Fact]
    public async Task Changing_an_input_file_content_changes_the_key_but_touching_it_does_not()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var engine = new StageEngine([new CopyStage("copy", input, () => "1")]);
        var before = engine.Plan(new HashCache())[0].Key;

        File.SetLastWriteTimeUtc(input, DateTime.UtcNow.AddHours(-1));
        Assert.Equal(before, engine.Plan(new HashCache())[0].Key);

        File.WriteAllText(input, "abd");
        Assert.NotEqual(before, engine.Plan(new HashCache())[0].Key);
    }

    [Fact]
    public async Task A_failed_stage_leaves_no_output_folder_and_the_rerun_resumes_at_it()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var copy = new CopyStage("copy", input, () => "1");
        var upper = new UpperStage("copy") ;
        var first = new CopyStage("first", input, () => "x");
        var engine = new StageEngine([first, copy, upper]);
        var folder = new BuildFolder(dir["build"]);

        copy.Crash = true;
        await Assert.ThrowsAsync<ExternalToolException>(() => engine.RunAsync(folder, NullReporter.Instance));
        Assert.False(Directory.Exists(folder.StageDirectory("copy")));
        Assert.Empty(Directory.GetDirectories(folder.StagesDirectory, ".*"));
        Assert.True(File.Exists(folder.LogPath("copy")));

        copy.Crash = false;
        var rerun = await engine.RunAsync(folder, NullReporter.Instance);
        Assert.Equal([StageStatus.Skipped, StageStatus.Ran, StageStatus.Ran], rerun.Select(r => r.Status));
        Assert.False(File.Exists(Path.Combine(folder.StageDirectory("copy"), "half.txt")) && !File.Exists(Path.Combine(folder.StageDirectory("copy"), "out.txt")));
        Assert.Equal(1, first.Runs);
    }

    [Fact]
    public async Task A_temp_folder_left_by_a_killed_run_is_removed_and_the_stage_reruns()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var copy = new CopyStage("copy", input, () => "1");
        var engine = new StageEngine([copy]);
        var folder = new BuildFolder(dir["build"]);
        Directory.CreateDirectory(Path.Combine(folder.StagesDirectory, ".copy.0123.tmp"));

        await engine.RunAsync(folder, NullReporter.Instance);

        Assert.Equal(["copy"], Directory.GetDirectories(folder.StagesDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_deleted_output_file_makes_the_stage_run_again()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.txt", "abc");
        var copy = new CopyStage("copy", input, () => "1");
        var engine = new StageEngine([copy]);
        var folder = new BuildFolder(dir["build"]);
        await engine.RunAsync(folder, NullReporter.Instance);

        File.Delete(Path.Combine(folder.StageDirectory("copy"), "out.txt"));
        var rerun = await engine.RunAsync(folder, NullReporter.Instance);

        Assert.Equal(StageStatus.Ran, rerun[0].Status);
        Assert.Equal(2, copy.Runs);
    }

    [Fact]
    public async Task A_second_run_on_the_same_build_folder_is_refused_as_busy_while_the_first_holds_the_lock()
    {
        using var dir = new TempDir();
        var folder = new BuildFolder(dir["build"]);
        using (BuildLock.Acquire(folder))
        {
            var engine = new StageEngine([new CopyStage("copy", dir.Write("in.txt", "a"), () => "1")]);
            var e = await Assert.ThrowsAsync<BusyException>(() => engine.RunAsync(folder, NullReporter.Instance));
            Assert.Equal(ExitCode.Busy, e.ExitCode);
            Assert.Equal(75, (int)e.ExitCode);
            Assert.Equal("busy", e.Kind);
            Assert.Contains("--build-dir", e.FixIn(Ava.Cli.CommandLine.CliInputs.For(null)));
            Assert.DoesNotContain("--build ", e.Fix);
            Assert.Contains("Another alc run", e.Problem);
            Assert.Contains($"pid {Environment.ProcessId}", e.Problem);
        }
        using (BuildLock.Acquire(folder)) { }
    }

    [Fact]
    public void A_stage_that_depends_on_a_later_stage_is_rejected()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => new StageEngine([new UpperStage("copy"), new CopyStage("copy", dir["x"], () => "")]));
    }

    [Fact]
    public async Task A_failing_tool_reports_exit_4_with_the_last_log_lines_and_records_time_and_memory_when_it_works()
    {
        using var dir = new TempDir();
        var log = dir["tool.log"];
        // Long enough that the first memory sample lands while the tool still runs, even on a loaded machine.
        var ok = await ToolRunner.RunAsync(new ToolCommand("sh", ["-c", "echo hello; sleep 1.5"]), log, null, null, default);
        Assert.Equal(0, ok.ExitCode);
        Assert.True(ok.PeakMemoryBytes > 0);
        Assert.Contains("hello", File.ReadAllText(log));

        var e = await Assert.ThrowsAsync<ExternalToolException>(() =>
            ToolRunner.RunAsync(new ToolCommand("sh", ["-c", "for i in $(seq 1 40); do echo line$i; done; exit 3"]), log, null, null, default));
        Assert.Contains("exit code 3", e.Problem);
        Assert.Contains("line40", e.Problem);
        Assert.DoesNotContain("line20\n", e.Problem);
        Assert.Equal(log, e.LogPath);
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_toolchain_problem()
    {
        using var dir = new TempDir();
        await Assert.ThrowsAsync<ToolchainMissingException>(() =>
            ToolRunner.RunAsync(new ToolCommand(dir["no-such-python"], ["-m", "mlc_llm"]), dir["x.log"], null, null, default));
    }
}
