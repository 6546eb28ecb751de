using System.Collections;

namespace Ava.Action.Runner;

/// <summary>
/// The GitHub Actions runner protocol, the same surface and bytes as @actions/core 3.0.1 (GitHub.Actions.Core is not on
/// our NuGet feed). Inputs come from <c>INPUT_*</c>, values go out through the GITHUB_* files or stdout commands. It holds
/// its own copy of the environment so tests can fabricate a runner and <see cref="ExportVariable"/> is visible to later reads.
/// </summary>
public sealed class ActionCore
{
    private readonly Dictionary<string, string> _env;
    private readonly TextWriter _stdout;

    public ActionCore(IReadOnlyDictionary<string, string> environment, TextWriter stdout)
    {
        _env = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        _stdout = stdout;
        Summary = new JobSummary(_env);
    }

    public static ActionCore FromProcess()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables()) env[(string)e.Key] = (string?)e.Value ?? "";
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        return new ActionCore(env, stdout);
    }

    public IReadOnlyDictionary<string, string> Environment => _env;

    /// <summary>0 until <see cref="SetFailed"/>; like <c>process.exitCode</c>, setting it does not stop anything.</summary>
    public int ExitCode { get; set; }

    public JobSummary Summary { get; }

    public bool IsDebug => Env("RUNNER_DEBUG") == "1";

    // ---- inputs ----

    /// <summary>The runner's name mangling: spaces become '_', then upper case; hyphens stay (<c>dry-run</c> → <c>INPUT_DRY-RUN</c>).</summary>
    public static string InputVariable(string name) => "INPUT_" + name.Replace(' ', '_').ToUpperInvariant();

    public string GetInput(string name, bool required = false, bool trimWhitespace = true)
    {
        var value = Env(InputVariable(name));
        // The required check runs before trimming, so "   " passes it and comes back empty, as in @actions/core.
        if (required && value.Length == 0)
            throw new RunnerProtocolException($"Input required and not supplied: {name}",
                $"Add '{name}:' under 'with:' in the step that uses the action.");
        return trimWhitespace ? JsString.Trim(value) : value;
    }

    public IReadOnlyList<string> GetMultilineInput(string name, bool required = false, bool trimWhitespace = true)
    {
        var lines = GetInput(name, required, trimWhitespace).Split('\n').Where(l => l.Length > 0);
        return (trimWhitespace ? lines.Select(JsString.Trim) : lines).ToList();
    }

    public bool GetBooleanInput(string name, bool required = false, bool trimWhitespace = true) =>
        GetInput(name, required, trimWhitespace) switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw new RunnerProtocolException(
                $"Input does not meet YAML 1.2 \"Core Schema\" specification: {name}\nSupport boolean input list: `true | True | TRUE | false | False | FALSE`",
                $"Set '{name}' to true or false."),
        };

    public string GetState(string name) => Env("STATE_" + name);

    // ---- file commands ----

    public void SetOutput(string name, object? value)
    {
        if (Env("GITHUB_OUTPUT").Length > 0)
        {
            FileCommands.Issue(_env, "OUTPUT", FileCommands.KeyValueMessage(name, CommandValue.From(value)));
            return;
        }
        _stdout.Write(FileCommands.Eol);
        Issue(new WorkflowCommand("set-output", [new("name", name)], CommandValue.From(value)));
    }

    public void ExportVariable(string name, object? value)
    {
        var converted = CommandValue.From(value);
        _env[name] = converted;
        if (Env("GITHUB_ENV").Length > 0)
        {
            FileCommands.Issue(_env, "ENV", FileCommands.KeyValueMessage(name, converted));
            return;
        }
        Issue(new WorkflowCommand("set-env", [new("name", name)], converted));
    }

    public void SaveState(string name, object? value)
    {
        if (Env("GITHUB_STATE").Length > 0)
        {
            FileCommands.Issue(_env, "STATE", FileCommands.KeyValueMessage(name, CommandValue.From(value)));
            return;
        }
        Issue(new WorkflowCommand("save-state", [new("name", name)], CommandValue.From(value)));
    }

    public void AddPath(string path)
    {
        if (Env("GITHUB_PATH").Length > 0) FileCommands.Issue(_env, "PATH", path);
        else Issue(new WorkflowCommand("add-path", path));
        _env["PATH"] = path + Path.PathSeparator + Env("PATH");
    }

    // ---- stdout commands ----

    public void SetSecret(string secret) => Issue(new WorkflowCommand("add-mask", secret));

    public void Debug(string message) => Issue(new WorkflowCommand("debug", message));

    public void Info(string message) => _stdout.Write(message + FileCommands.Eol);

    public void Error(string message, AnnotationProperties? properties = null) => Annotate("error", message, properties);

    public void Warning(string message, AnnotationProperties? properties = null) => Annotate("warning", message, properties);

    public void Notice(string message, AnnotationProperties? properties = null) => Annotate("notice", message, properties);

    public void StartGroup(string name) => Issue(new WorkflowCommand("group", name));

    public void EndGroup() => Issue(new WorkflowCommand("endgroup", ""));

    public async Task<T> GroupAsync<T>(string name, Func<Task<T>> body)
    {
        StartGroup(name);
        try { return await body(); }
        finally { EndGroup(); }
    }

    public void SetCommandEcho(bool enabled) => Issue(new WorkflowCommand("echo", enabled ? "on" : "off"));

    /// <summary>Marks the step failed (exit code 1) and logs the message as an error; the caller decides when to stop.</summary>
    public void SetFailed(string message)
    {
        ExitCode = 1;
        Error(message);
    }

    private void Annotate(string kind, string message, AnnotationProperties? properties) =>
        Issue(new WorkflowCommand(kind, properties?.ToCommandProperties() ?? [], message));

    private void Issue(WorkflowCommand command) => _stdout.Write(command + FileCommands.Eol);

    private string Env(string name) => _env.TryGetValue(name, out var v) ? v : "";
}
