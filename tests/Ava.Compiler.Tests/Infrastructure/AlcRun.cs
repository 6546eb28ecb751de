using Ava.Cli;
using Ava.Cli.CommandLine;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>Runs the whole alc app in memory, with captured streams and a controlled environment.</summary>
public sealed record AlcResult(int ExitCode, string StdOut, string StdErr)
{
    public System.Text.Json.JsonDocument Json() => System.Text.Json.JsonDocument.Parse(StdOut);
}

public static class AlcRun
{
    public static Task<AlcResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        RunAsync(workingDirectory, env, null, args);

    /// <param name="terminalWidth">Run as if stderr were a terminal this wide; null = redirected (a pipe, a CI log).</param>
    public static async Task<AlcResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? env, int? terminalWidth, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["NO_COLOR"] = "1", ["HOME"] = workingDirectory };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) environment[k] = v;
        var context = new CliContext(stdout, stderr, environment, workingDirectory, terminalWidth);
        var code = await AlcApp.RunAsync(args, context);
        return new AlcResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<AlcResult> RunAsync(params string[] args) => RunAsync(Directory.GetCurrentDirectory(), null, args);
}
