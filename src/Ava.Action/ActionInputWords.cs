using Ava.Compiler.Errors;

namespace Ava.Action;

/// <summary>
/// How the Action spells the inputs the core's texts mark (<see cref="Remedy"/>): by its action.yml input
/// (<c>input 'source'</c>). An input the Action does not have is not spelled at all — the fix then reads as the
/// neutral remedy, never as an option of another shell. A test holds this table against action.yml.
/// </summary>
public static class ActionInputWords
{
    /// <summary>The action.yml input that stands for each input the Action has.</summary>
    public static IReadOnlyDictionary<UserInput, string> Inputs { get; } = new Dictionary<UserInput, string>
    {
        [UserInput.Source] = "source",
        [UserInput.Quantization] = "quantization",
        [UserInput.Target] = "target",
        [UserInput.App] = "app",
    };

    public static string? Spell(UserInput input) => Inputs.TryGetValue(input, out var name) ? $"input '{name}'" : null;
}
