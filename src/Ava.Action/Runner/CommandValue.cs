using System.Text.Json;

namespace Ava.Action.Runner;

/// <summary>How @actions/core turns any value into command text: null is empty, a string is itself, anything else is JSON.</summary>
internal static class CommandValue
{
    public static string From(object? value) => value switch
    {
        null => "",
        string s => s,
        _ => JsonSerializer.Serialize(value, value.GetType()),
    };
}
