using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Processes;

namespace Ava.Compiler.Toolchain.Setup;

public enum StepOutcome
{
    Done,
    Skipped,
}

public sealed record StepResult(string Id, StepOutcome Outcome, string? LogPath, TimeSpan Elapsed);

/// <summary>
/// Runs setup steps in order. A step whose stamp (<c>.alc-setup/&lt;id&gt;.done</c> holding its fingerprint) matches and
/// whose conditions hold is skipped, so an interrupted setup resumes where it stopped. Each step's output goes to
/// <c>.alc-setup/logs/&lt;id&gt;.log</c>; a failing command stops the run with exit 4 naming the log.
/// Steps with an action other than <see cref="SetupAction.RunCommands"/> are handed to <paramref name="action"/>.
/// </summary>
public sealed class SetupRunner(string stateDirectory, IReporter reporter, IReadOnlyDictionary<string, string>? environment = null)
{
    public string LogPath(string stepId) => Path.Combine(stateDirectory, "logs", stepId + ".log");

    public string StampPath(string stepId) => Path.Combine(stateDirectory, stepId + ".done");

    /// <summary>True when the step's stamp matches its commands and its conditions hold.</summary>
    public bool IsDone(SetupStep step) =>
        step.Action == SetupAction.RunCommands
        && File.Exists(StampPath(step.Id)) && File.ReadAllText(StampPath(step.Id)).Trim() == step.Fingerprint
        && step.DoneWhen.All(c => c.Holds());

    public async Task<IReadOnlyList<StepResult>> RunAsync(IReadOnlyList<SetupStep> steps,
        Func<SetupStep, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(stateDirectory, "logs"));
        var results = new List<StepResult>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var section = reporter.Section($"[{i + 1}/{steps.Count}] {step.Title}");
            if (IsDone(step))
            {
                reporter.Info($"already done ({string.Join(", ", step.DoneWhen.Select(c => c.Describe()).DefaultIfEmpty("stamp matches"))}); skipped");
                results.Add(new StepResult(step.Id, StepOutcome.Skipped, null, clock.Elapsed));
                continue;
            }
            if (step.Action != SetupAction.RunCommands)
            {
                await action(step, cancellationToken);
                results.Add(new StepResult(step.Id, StepOutcome.Done, null, clock.Elapsed));
                continue;
            }

            File.Delete(StampPath(step.Id));
            var log = LogPath(step.Id);
            await using (var writer = new StreamWriter(log, append: false))
            {
                foreach (var command in step.Commands)
                    await RunCommandAsync(step, command, writer, log, cancellationToken);
            }
            var unmet = step.DoneWhen.Where(c => !c.Holds()).ToList();
            if (unmet.Count > 0)
                throw new ExternalToolException(
                    $"Setup step '{step.Id}' ran without errors but did not produce its result: {string.Join("; ", unmet.Select(c => c.Describe() + " is not true"))}.",
                    $"Read {log}, fix the cause and run 'alc toolchain setup' again; finished steps are skipped.", log);
            IO.AtomicFile.WriteAllText(StampPath(step.Id), step.Fingerprint + "\n");
            reporter.Info($"done in {clock.Elapsed.TotalSeconds:0} s (log: {log})");
            results.Add(new StepResult(step.Id, StepOutcome.Done, log, clock.Elapsed));
        }
        return results;
    }

    private async Task RunCommandAsync(SetupStep step, SetupCommand command, StreamWriter writer, string log, CancellationToken cancellationToken)
    {
        if (command.SkipIfExists is { } guard && (File.Exists(guard) || Directory.Exists(guard)))
        {
            await writer.WriteLineAsync($"$ {command.Display}   # skipped: {guard} exists");
            return;
        }
        reporter.Info("$ " + command.Display);
        await writer.WriteLineAsync("$ " + command.Display);
        await writer.FlushAsync(cancellationToken);

        var gate = new object();
        var tail = new Queue<string>();
        void Line(string line)
        {
            lock (gate)
            {
                writer.WriteLine(line);
                tail.Enqueue(line);
                if (tail.Count > 15) tail.Dequeue();
            }
        }

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var (k, v) in command.Environment ?? new Dictionary<string, string>()) env[k] = v;
        int exitCode;
        try
        {
            var tool = new ToolCommand(command.Program, command.Arguments) { Environment = env }.WithWorkingDirectory(command.WorkingDirectory);
            exitCode = await StreamedProcess.Start(tool, Line, cancellationToken).Exit;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolchainMissingException($"Setup step '{step.Id}' needs '{command.Program}', which could not be started ({e.Message}).",
                $"Install {command.Program} and run 'alc toolchain setup' again; finished steps are skipped.");
        }
        await writer.FlushAsync(cancellationToken);
        if (exitCode != 0)
        {
            string lastLines;
            lock (gate) lastLines = string.Join("\n", tail.Where(l => l.Trim().Length > 0).TakeLast(5));
            throw new ExternalToolException(
                $"Setup step '{step.Id}' failed: '{command.Display}' exited with code {exitCode}. Last output:\n{lastLines}",
                $"Read {log}, fix the cause and run 'alc toolchain setup' again; finished steps are skipped.", log);
        }
    }
}
