namespace Ava.Compiler.Pipeline.Compile;

/// <summary>An input of a compile that a fix text may send the user back to.</summary>
public enum CompileInput
{
    Target,
    Source,
    Quantization,
}

/// <summary>
/// How a shell spells its inputs, so the core's problem and fix texts name an input that exists where the user is:
/// <c>--source 'x'</c> on the command line, <c>'source: x'</c> in a workflow.
/// </summary>
/// <param name="Given">The input as the user gave it: <c>--source 'x'</c> / <c>'source: x'</c>.</param>
/// <param name="Use">An instruction to give a value: <c>Use --target android</c> / <c>Set 'target: android'</c>.</param>
/// <param name="Drop">An instruction to leave it out: <c>Drop --quantization</c> / <c>Remove the 'quantization' input</c>.</param>
public sealed record InputNames(
    Func<CompileInput, string, string> Given,
    Func<CompileInput, string, string> Use,
    Func<CompileInput, string> Drop)
{
    private static string Flag(CompileInput input) => "--" + Key(input);

    private static string Key(CompileInput input) => input.ToString().ToLowerInvariant();

    /// <summary><c>alc</c>'s options.</summary>
    public static InputNames CommandLine { get; } = new(
        (input, value) => $"{Flag(input)} '{value}'",
        (input, value) => $"Use {Flag(input)} {value}",
        input => $"Drop {Flag(input)}");

    /// <summary>The Action's inputs (action.yml).</summary>
    public static InputNames Workflow { get; } = new(
        (input, value) => $"'{Key(input)}: {value}'",
        (input, value) => $"Set '{Key(input)}: {value}'",
        input => $"Remove the '{Key(input)}' input");
}
