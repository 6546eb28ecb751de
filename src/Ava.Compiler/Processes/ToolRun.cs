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

    /// <summary>Why the program could not be started (the operating system's message), when it could not.</summary>
    public string? StartFailure { get; init; }

    /// <summary>Runs <paramref name="program"/> with a timeout; never throws for a missing or failing program.</summary>
    public static Task<ToolRun> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync(new ToolCommand(program, arguments)
        {
            Environment = environment?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value) ?? new Dictionary<string, string?>(),
        }, timeout, cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> (arguments, environment, working folder) with its output buffered and a timeout
    /// (<see cref="Timeout.InfiniteTimeSpan"/> for none); never throws for a missing or failing program. Output is decoded
    /// with <paramref name="outputEncoding"/>, else the console's.
    /// </summary>
    public static async Task<ToolRun> RunAsync(ToolCommand command, TimeSpan timeout, CancellationToken cancellationToken,
        System.Text.Encoding? outputEncoding = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var cli = Cli.Wrap(command.FileName).WithArguments(command.Arguments).WithValidation(CommandResultValidation.None);
            if (command.Environment.Count > 0) cli = cli.WithEnvironmentVariables(command.Environment);
            if (command.WorkingDirectory is not null) cli = cli.WithWorkingDirectory(command.WorkingDirectory);
            var r = await cli.ExecuteBufferedAsync(outputEncoding ?? Console.OutputEncoding, cts.Token);
            return new ToolRun(r.ExitCode, r.StandardOutput, r.StandardError, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolRun(null, "", "", $"{command.FileName} did not finish within {timeout.TotalSeconds:0} s", TimedOut: true);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or CliWrap.Exceptions.CommandExecutionException)
        {
            return new ToolRun(null, "", "", $"{command.FileName} could not be started ({e.Message})") { StartFailure = e.Message };
        }
    }
}
