using Ava.Cli.CommandLine;
using Ava.Compiler.Errors;

namespace Ava.Cli.Commands;

/// <summary><c>alc completion bash|zsh|fish</c>: a completion script built from the command specs (commands, options, allowed values).</summary>
public sealed class CompletionCommand : AlcCommand
{
    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    public override CommandSpec Spec { get; } = new("completion", "Print a shell completion script for bash, zsh or fish.")
    {
        Positionals = [new PositionalSpec("shell", "The shell the script is for.") { AllowedValues = Shells }],
        Details = """
            Examples:
              alc completion bash > ~/.local/share/bash-completion/completions/alc
              alc completion zsh > "${fpath[1]}/_alc"
              alc completion fish > ~/.config/fish/completions/alc.fish
            """,
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var shell = input.PositionalValue("shell")!;
        var specs = AlcApp.Commands.Select(c => c.Spec).ToList();
        var script = shell switch
        {
            "bash" => CompletionScripts.Bash(specs),
            "zsh" => CompletionScripts.Zsh(specs),
            "fish" => CompletionScripts.Fish(specs),
            _ => throw new BadInputException($"No completion for the shell '{shell}'.", $"Use one of: {string.Join(", ", Shells)}."),
        };
        context.Out.Write(script);
        return Task.FromResult(0);
    }
}
