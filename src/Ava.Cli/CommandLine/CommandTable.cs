using Ava.Cli.Commands;

namespace Ava.Cli.CommandLine;

/// <summary>
/// Every alc command by its words, each with the constructor that makes it. A table rather than a scan of the
/// assembly's types: the released alc is compiled ahead of time (Native AOT), where a type found only by reflection is
/// trimmed away, and running one command still creates only that one. Adding a command is its file under Commands/
/// plus one line here; a test fails for a command class that is missing from the table.
/// </summary>
internal static class CommandTable
{
    public static readonly IReadOnlyDictionary<string, Func<AlcCommand>> ByName = new Dictionary<string, Func<AlcCommand>>(StringComparer.Ordinal)
    {
        ["compile"] = () => new CompileCommand(),
        ["completion"] = () => new CompletionCommand(),
        ["doctor"] = () => new DoctorCommand(),
        ["fetch"] = () => new FetchCommand(),
        ["recipes check"] = () => new RecipesCheckCommand(),
        ["recipes list"] = () => new RecipesListCommand(),
        ["recipes show"] = () => new RecipesShowCommand(),
        ["registry ab create"] = () => new RegistryAbCreateCommand(),
        ["registry ab show"] = () => new RegistryAbShowCommand(),
        ["registry ab validate"] = () => new RegistryAbValidateCommand(),
        ["registry app-config"] = () => new RegistryAppConfigCommand(),
        ["registry list"] = () => new RegistryListCommand(),
        ["registry show"] = () => new RegistryShowCommand(),
        ["registry validate"] = () => new RegistryValidateCommand(),
        ["toolchain requirements"] = () => new ToolchainRequirementsCommand(),
        ["toolchain setup"] = () => new ToolchainSetupCommand(),
        ["verify"] = () => new VerifyCommand(),
    };
}
