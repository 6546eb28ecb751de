namespace Ava.Compiler.Processes;

/// <summary>
/// An external program to run: immutable, with <c>WithX</c> copies (CliWrap style). Environment entries override the
/// inherited environment; a null value removes the variable.
/// </summary>
public sealed record ToolCommand(string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? WorkingDirectory { get; init; }

    public ToolCommand WithArguments(IReadOnlyList<string> arguments) => this with { Arguments = arguments };

    public ToolCommand WithEnvironment(IReadOnlyDictionary<string, string?> environment) => this with { Environment = environment };

    public ToolCommand WithWorkingDirectory(string? directory) => this with { WorkingDirectory = directory };

    /// <summary>The command line as a person would type it (POSIX shell quoting), for logs and <c>--plan</c>.</summary>
    public string Display => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(ShellQuote));

    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
