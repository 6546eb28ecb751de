namespace Ava.Cli.CommandLine;

/// <summary>
/// One alc command. Subclasses are found by reflection, so adding a command is adding one file under Commands/.
/// A command returns its exit code; user-facing failures are thrown as <see cref="Ava.Compiler.Errors.AlcException"/>.
/// </summary>
public abstract class AlcCommand
{
    public abstract CommandSpec Spec { get; }

    public abstract Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken);
}
