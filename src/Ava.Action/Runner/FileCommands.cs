using System.Text;

namespace Ava.Action.Runner;

/// <summary>
/// The runner's file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE, GITHUB_PATH): values are appended as
/// <c>name&lt;&lt;ghadelimiter_UUID</c> heredocs that the runner reads back line by line.
/// </summary>
internal static class FileCommands
{
    public static readonly string Eol = Environment.NewLine;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void Issue(IReadOnlyDictionary<string, string> env, string command, string message)
    {
        if (!env.TryGetValue($"GITHUB_{command}", out var path) || path.Length == 0)
            throw new RunnerProtocolException($"Unable to find environment variable for file command {command}",
                $"Run inside a GitHub Actions runner, or set GITHUB_{command} to an existing file.");
        if (!File.Exists(path))
            throw new RunnerProtocolException($"Missing file at path: {path}",
                $"Create the file named by GITHUB_{command} before the step runs.");
        File.AppendAllText(path, message + Eol, Utf8);
    }

    public static string KeyValueMessage(string key, string value)
    {
        var delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("D");
        // A value cannot end the heredoc early unless it contains the delimiter; refuse rather than let it inject keys.
        if (key.Contains(delimiter, StringComparison.Ordinal))
            throw new RunnerProtocolException($"Unexpected input: name should not contain the delimiter \"{delimiter}\"", "Use another name.");
        if (value.Contains(delimiter, StringComparison.Ordinal))
            throw new RunnerProtocolException($"Unexpected input: value should not contain the delimiter \"{delimiter}\"", "Use another value.");
        return $"{key}<<{delimiter}{Eol}{value}{Eol}{delimiter}";
    }
}
