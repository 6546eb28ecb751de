using CliWrap;
using CliWrap.Buffered;

namespace Ava.Compiler.Processes;

/// <summary>The outcome of running a short external program (llvm-config, git): output, or why it did not run.</summary>
/// <param name="TimedOut">It was stopped at the timeout (<see cref="StartError"/> says so too).</param>
public sealed record ToolRun(int? ExitCode, string StandardOutput, string StandardError, string? StartError, bool TimedOut = false)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>One line saying why it failed: the start error, or the last stderr line with the exit code.</summary>
    public string FailureLine =>
        StartError ?? $"{StandardError.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no output"} (exit code {ExitCode})";

    /// <summary>Runs <paramref name="program"/> with a timeout; never throws for a missing or failing program.</summary>
    public static async Task<ToolRun> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var command = Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None);
            if (environment is not null)
                command = command.WithEnvironmentVariables(b => b.Set(environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value)));
            var r = await command.ExecuteBufferedAsync(cts.Token);
            return new ToolRun(r.ExitCode, r.StandardOutput, r.StandardError, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolRun(null, "", "", $"{program} did not finish within {timeout.TotalSeconds:0} s", TimedOut: true);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CommandExecutionException)
        {
            return new ToolRun(null, "", "", $"{program} could not be started ({e.Message})");
        }
    }
}
