using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Setup;

namespace Ava.Compiler.Tests.Toolchain;

/// <summary>The step engine, run with real shell commands in place of the hour-long builds.</summary>
public class SetupRunnerTests
{
    private static SetupStep Step(string id, string script, params SetupCondition[] doneWhen) =>
        new(id, id, [new SetupCommand("sh", ["-c", script])], doneWhen);

    private static Task<IReadOnlyList<StepResult>> Run(TempDir dir, params SetupStep[] steps) =>
        new SetupRunner(dir["state"], NullReporter.Instance).RunAsync(steps, (_, _) => Task.CompletedTask, CancellationToken.None);

    [Fact]
    public async Task Steps_run_in_order_log_their_output_and_are_skipped_when_run_again()
    {
        using var dir = new TempDir("setup");
        var a = Step("a", $"echo building a; echo warning on stderr >&2; touch {dir["a.out"]}", new SetupCondition.PathExists(dir["a.out"]));
        var b = Step("b", $"echo $(cat {dir["a.out"]} && echo b) > {dir["b.out"]}", new SetupCondition.PathExists(dir["b.out"]));

        var first = await Run(dir, a, b);
        Assert.All(first, r => Assert.Equal(StepOutcome.Done, r.Outcome));
        var log = File.ReadAllText(dir["state/logs/a.log"]);
        Assert.Contains("$ sh -c 'echo building a;", log);
        Assert.Contains("building a", log);
        Assert.Contains("warning on stderr", log);

        var second = await Run(dir, a, b);
        Assert.All(second, r => Assert.Equal(StepOutcome.Skipped, r.Outcome));
    }

    [Fact]
    public async Task A_step_reruns_when_its_output_is_gone_or_its_commands_changed()
    {
        using var dir = new TempDir("setup");
        var a = Step("a", $"touch {dir["a.out"]}", new SetupCondition.PathExists(dir["a.out"]));
        await Run(dir, a);
        File.Delete(dir["a.out"]);
        Assert.Equal(StepOutcome.Done, (await Run(dir, a))[0].Outcome);
        Assert.Equal(StepOutcome.Skipped, (await Run(dir, a))[0].Outcome);

        var changed = Step("a", $"touch {dir["a.out"]} && echo v2", new SetupCondition.PathExists(dir["a.out"]));
        Assert.Equal(StepOutcome.Done, (await Run(dir, changed))[0].Outcome);
    }

    [Fact]
    public async Task A_failing_command_stops_the_run_with_exit_4_its_last_output_and_the_log()
    {
        using var dir = new TempDir("setup");
        var a = Step("a", $"touch {dir["a.out"]}", new SetupCondition.PathExists(dir["a.out"]));
        var b = Step("b", "echo 'CMake Error: Could not find LLVM' >&2; exit 2");
        var c = Step("c", $"touch {dir["c.out"]}");
        var e = await Assert.ThrowsAsync<ExternalToolException>(() => Run(dir, a, b, c));
        Assert.Contains("Setup step 'b' failed", e.Problem);
        Assert.Contains("exited with code 2", e.Problem);
        Assert.Contains("CMake Error: Could not find LLVM", e.Problem);
        Assert.Equal(dir["state/logs/b.log"], e.LogPath);
        Assert.Contains("finished steps are skipped", e.Fix);
        Assert.False(File.Exists(dir["c.out"]));
        Assert.False(File.Exists(dir["state/b.done"]));

        // Fixed: the rerun skips a and goes on from b.
        var fixedB = Step("b", "true");
        var results = await Run(dir, a, fixedB, c);
        Assert.Equal([StepOutcome.Skipped, StepOutcome.Done, StepOutcome.Done], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_step_that_exits_0_without_its_result_is_a_failure()
    {
        using var dir = new TempDir("setup");
        var a = Step("a", "true", new SetupCondition.PathExists(dir["lib/libtvm.so"]));
        var e = await Assert.ThrowsAsync<ExternalToolException>(() => Run(dir, a));
        Assert.Contains($"{dir["lib/libtvm.so"]} exists is not true", e.Problem);
    }

    [Fact]
    public async Task A_guarded_command_is_skipped_when_its_path_exists_and_a_missing_program_is_exit_3()
    {
        using var dir = new TempDir("setup");
        Directory.CreateDirectory(dir["tvm/.git"]);
        var clone = new SetupStep("clone", "clone",
            [new SetupCommand("git-that-does-not-exist", ["clone", "x"], SkipIfExists: dir["tvm/.git"]), new SetupCommand("sh", ["-c", "true"])], []);
        Assert.Equal(StepOutcome.Done, (await Run(dir, clone))[0].Outcome);
        Assert.Contains("# skipped:", File.ReadAllText(dir["state/logs/clone.log"]));

        var missing = new SetupStep("m", "m", [new SetupCommand("git-that-does-not-exist", ["status"])], []);
        var e = await Assert.ThrowsAsync<ToolchainMissingException>(() => Run(dir, missing));
        Assert.Contains("needs 'git-that-does-not-exist'", e.Problem);
    }

    [Fact]
    public void A_git_head_condition_reads_loose_and_packed_refs()
    {
        using var dir = new TempDir("setup");
        var commit = ToolchainLock.Default.Tvm.Commit;
        dir.Write("loose/.git/HEAD", "ref: refs/heads/main\n");
        dir.Write("loose/.git/refs/heads/main", commit + "\n");
        dir.Write("detached/.git/HEAD", commit + "\n");
        dir.Write("sub/.git", "gitdir: ../modules/sub\n");
        dir.Write("modules/sub/HEAD", "ref: refs/heads/x\n");
        dir.Write("modules/sub/packed-refs", $"{commit} refs/heads/x\n");
        foreach (var d in new[] { "loose", "detached", "sub" })
            Assert.True(new SetupCondition.GitHeadIs(dir[d], commit).Holds(), d);
        Assert.False(new SetupCondition.GitHeadIs(dir["loose"], ToolchainLock.Default.MlcLlm.Commit).Holds());
    }

    [Fact]
    public void Recording_the_prefix_keeps_the_other_config_entries()
    {
        using var dir = new TempDir("setup");
        var path = dir.Write(".config/alc/toolchain.json", """{ "mlcLlmDir": "/Volumes/Drive/mlc-llm" }""");
        ToolchainConfigFile.RecordPrefix(path, "/opt/alc");
        var config = ToolchainConfigFile.Load(path);
        Assert.Equal("/opt/alc", config.Prefix);
        Assert.Equal("/Volumes/Drive/mlc-llm", config.MlcLlmDir);
    }
}
