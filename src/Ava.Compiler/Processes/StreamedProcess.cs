using CliWrap;

namespace Ava.Compiler.Processes;

/// <summary>A started program whose output arrives line by line: its process id (for sampling) and its exit code.</summary>
public sealed record StreamedRun(int ProcessId, Task<int> Exit);

/// <summary>
/// Starts a program with its stdout and stderr delivered line by line to one callback; a non-zero exit is a result,
/// not an exception. The streaming half of <see cref="ToolRunner"/> (stage tools) and of the toolchain setup steps.
/// A program that cannot be started throws <see cref="System.ComponentModel.Win32Exception"/> (from here or the task).
/// </summary>
public static class StreamedProcess
{
    /// <param name="input">What the program reads on stdin (e.g. <see cref="ChildGuard.KeepAlive"/>); nothing when null.</param>
    public static StreamedRun Start(ToolCommand command, Action<string> onLine, CancellationToken cancellationToken, PipeSource? input = null)
    {
        var cli = Cli.Wrap(command.FileName)
            .WithArguments(command.Arguments)
            .WithEnvironmentVariables(command.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(onLine))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(onLine));
        if (command.WorkingDirectory is not null) cli = cli.WithWorkingDirectory(command.WorkingDirectory);
        if (input is not null) cli = cli.WithStandardInputPipe(input);
        var task = cli.ExecuteAsync(cancellationToken);
        return new StreamedRun(task.ProcessId, ExitCodeOf(task));
    }

    private static async Task<int> ExitCodeOf(CommandTask<CommandResult> task) => (await task).ExitCode;
}
