using System.Collections;
using Ava.Compiler.Reporting;
using Ava.Cli.Rendering;
using Spectre.Console;

namespace Ava.Cli.CommandLine;

/// <summary>
/// Everything a command may touch outside itself: the two output streams, the environment and the working folder.
/// Tests build one with string writers and a dictionary, so the whole app runs in memory.
/// </summary>
public sealed class CliContext
{
    /// <param name="terminalWidth">
    /// Treat stderr as a terminal of this many columns (tests capture a terminal screen this way); null = ask the
    /// process: a terminal when stderr is the console and not redirected.
    /// </param>
    public CliContext(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        int? terminalWidth = null)
    {
        Environment = environment;
        WorkingDirectory = workingDirectory;
        Redactor = SecretRedactor.FromEnvironment(environment);
        Out = new RedactingWriter(stdout, Redactor);
        Err = new RedactingWriter(stderr, Redactor);
        ErrIsTerminal = terminalWidth is not null || IsTerminal(stderr);
        // Redirected output is never wrapped (null); a terminal wraps prose at its width.
        TerminalWidth = terminalWidth ?? (ErrIsTerminal ? ConsoleWidth() : null);
        Screen = new Screen(Err, TerminalWidth, ErrIsTerminal && !NoColor);
        // Made on first use: a --json run that succeeds never prints for people, and Spectre.Console's set-up
        // (terminal and colour detection) is a noticeable part of a short command's start-up.
        _human = new Lazy<IAnsiConsole>(() =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Err),
                // Spectre cannot see through our redacting writer, so a redirected stderr (pipes, log files) gets plain text here.
                Ansi = NoColor || !ErrIsTerminal ? AnsiSupport.No : AnsiSupport.Detect,
                ColorSystem = NoColor || !ErrIsTerminal ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
                Interactive = InteractionSupport.No,
            });
            // Spectre wraps every line at its profile width (80 or 120 columns when it cannot ask a terminal, whatever
            // COLUMNS says). Redirected, the width is made so large that nothing wraps: tables are drawn at their
            // natural width and a long line stays one line in a CI log.
            console.Profile.Width = TerminalWidth ?? UnwrappedWidth;
            return console;
        });
    }

    private readonly Lazy<IAnsiConsole> _human;

    /// <summary>Wide enough that no line alc prints reaches it.</summary>
    public const int UnwrappedWidth = 100_000;

    /// <summary>Columns of the terminal stderr is; null when stderr is redirected.</summary>
    public int? TerminalWidth { get; }

    /// <summary>Line-based output for people: prose wrapped on a terminal only, commands and paths never.</summary>
    public Screen Screen { get; }

    private static int? ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth is > 0 and var w ? w : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    public static CliContext FromProcess()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        return new CliContext(Console.Out, Console.Error, env, System.Environment.CurrentDirectory);
    }

    /// <summary>Machine-readable results only (--json).</summary>
    public TextWriter Out { get; }

    /// <summary>Everything meant for a person.</summary>
    public TextWriter Err { get; }

    /// <summary>Spectre.Console bound to stderr; tables and progress for people.</summary>
    public IAnsiConsole Human => _human.Value;

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string WorkingDirectory { get; }

    public SecretRedactor Redactor { get; }

    /// <summary>stderr is the process's own terminal, so live progress (redrawn bars) can be shown.</summary>
    public bool ErrIsTerminal { get; }

    public bool NoColor => Environment.TryGetValue("NO_COLOR", out var v) && v.Length > 0;

    public bool IsCi => Environment.TryGetValue("CI", out var v) && v is "true" or "1";

    /// <summary>Progress for people on stderr: plain lines in CI or when stderr is not a terminal.</summary>
    public IReporter CreateReporter() => new Rendering.ConsoleReporter(Human, IsCi || !Human.Profile.Capabilities.Interactive);

    public string? Env(string name) => Environment.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>Resolves a user-given path against the working folder (not the process's).</summary>
    public string ResolvePath(string path)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal) && Env("HOME") is { } home) path = Path.Combine(home, path[2..]);
        return Path.GetFullPath(Path.Combine(WorkingDirectory, path));
    }

    private static bool IsTerminal(TextWriter w) => ReferenceEquals(w, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Every character alc prints passes through the redactor, so no code path can leak a token.</summary>
    private sealed class RedactingWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;
        public override void Write(char value) => inner.Write(value);
        public override void Write(string? value) => inner.Write(value is null ? null : redactor.Redact(value));
        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
        public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : redactor.Redact(value));
        public override void Flush() => inner.Flush();
    }
}
