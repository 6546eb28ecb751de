using System.Text.Json.Serialization;
using System.Reflection;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Cli;

/// <summary>
/// Finds the command, parses its arguments, runs it and turns every outcome into an exit code. This is the only
/// place that catches exceptions: user-facing ones become one paragraph, anything else is reported as a bug.
/// </summary>
public static class AlcApp
{
    private static readonly Lazy<IReadOnlyList<AlcCommand>> AllCommands = new(() =>
        CommandTable.ByName.Values.Select(create => create())
            .OrderBy(c => c.Spec.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<AlcCommand> Commands => AllCommands.Value;

    public static string Version =>
        typeof(AlcApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        var json = args.Contains("--json");
        CommandSpec? running = null;
        try
        {
            // Help asked for is the output (stdout, so `alc --help | less` works); help after a usage error is on stderr.
            if (args.Count == 0)
            {
                HelpWriter.WriteOverview(context.Err, Commands.Select(c => c.Spec));
                return (int)ExitCode.BadInput;
            }
            if (args[0] is "--help" or "-h" || (args[0] == "help" && args.Count == 1))
            {
                HelpWriter.WriteOverview(context.Out, Commands.Select(c => c.Spec));
                return (int)ExitCode.Ok;
            }
            if (args[0] == "help")
            {
                var (asked, _) = Find(args.Skip(1).ToList());
                HelpWriter.WriteCommand(context.Out, asked.Spec);
                return (int)ExitCode.Ok;
            }
            if (args[0] == "--version")
            {
                context.Out.WriteLine(Version);
                return 0;
            }

            var (command, rest) = Find(args);
            running = command.Spec;
            PhaseClock.Mark("command found");
            var input = ArgumentParser.Parse(command.Spec, rest);
            foreach (var o in command.Spec.Options.Where(o => o.AllowedValues is not null))
            foreach (var v in input.Values(o.Name).Where(v => !o.AllowedValues!.Contains(v)))
                throw new BadInputException($"Unknown {o.Name[2..]} '{v}' for 'alc {command.Spec.Name}'.", $"Use {o.Name} with one of: {string.Join(", ", o.AllowedValues!)}.");
            foreach (var p in command.Spec.Positionals.Where(p => p.AllowedValues is not null))
            foreach (var v in input.Positional(p.Name).Where(v => !p.AllowedValues!.Contains(v)))
                throw new BadInputException($"Unknown {p.Name} '{v}' for 'alc {command.Spec.Name}'.", $"Use one of: {string.Join(", ", p.AllowedValues!)}.");
            PhaseClock.Mark("arguments parsed");
            if (input.Flag("--help"))
            {
                HelpWriter.WriteCommand(context.Out, command.Spec);
                return 0;
            }
            return await command.ExecuteAsync(input, context, cancellationToken);
        }
        catch (AlcException e)
        {
            if (e is ToolchainNotReadyException gate && !json)
            {
                // The compile gate shows the failed checks as doctor does, not one paragraph.
                context.Screen.Line($"{context.Screen.Red("error")}: the toolchain is not ready for 'alc compile' ({gate.Report.Failures.Count()} required check(s) failed)");
                DoctorView.Render(context.Screen, gate.Report.Checks, CliInputs.For(running), onlyProblems: true);
                return (int)e.ExitCode;
            }
            var spell = CliInputs.For(running);
            ReportFailure(context, json, e.ExitCode, e.Kind, e.ProblemIn(spell), e.FixIn(spell), (e as ExternalToolException)?.LogPath);
            return (int)e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ReportFailure(context, json, ExitCode.BadInput, "cancelled", "Cancelled.", "Run the command again; finished stages are kept.", null);
            return 130;
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // A full disk is the environment (exit 3), wherever the write happened (a report, a cache): never "a bug in alc".
            var full = DiskFull.Error("an output", e);
            ReportFailure(context, json, full.ExitCode, full.Kind, full.Problem, full.Fix, null);
            return (int)full.ExitCode;
        }
        catch (Exception e)
        {
            var debug = context.Env("ALC_DEBUG") is not null;
            ReportFailure(context, json, ExitCode.InternalError, "internal-error",
                $"alc hit an internal error ({e.GetType().Name}: {e.Message}). This is a bug in alc, not in your input.",
                debug ? e.ToString() : "Rerun with ALC_DEBUG=1 for the stack trace and report it with the command you ran.", null);
            return (int)ExitCode.InternalError;
        }
    }

    private static (AlcCommand Command, IReadOnlyList<string> Remaining) Find(IReadOnlyList<string> args)
    {
        if (FindByWords(args) is { } direct) return direct;

        // Longest match wins, so "registry ab create" beats "registry".
        foreach (var c in Commands.OrderByDescending(c => c.Spec.Name.Split(' ').Length))
        {
            var words = c.Spec.Name.Split(' ');
            if (words.Length <= args.Count && words.Select((w, i) => args[i] == w).All(x => x))
                return (c, args.Skip(words.Length).ToList());
        }

        var typed = args[0];
        var group = Commands.Where(c => c.Spec.Name.StartsWith(typed + " ", StringComparison.Ordinal)).Select(c => c.Spec.Name).ToList();
        if (group.Count > 0)
            throw new BadInputException($"'alc {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}' is not a complete command.",
                $"Use one of: {string.Join(", ", group.Select(g => "alc " + g))}.");
        var names = Commands.Select(c => c.Spec.Name.Split(' ')[0]).Distinct().ToList();
        var near = names.OrderBy(n => ArgumentParser.Levenshtein(n, typed)).FirstOrDefault();
        var hint = near is not null && ArgumentParser.Levenshtein(near, typed) <= 2 ? $"Did you mean 'alc {near}'? " : "";
        throw new BadInputException($"Unknown command '{typed}'.", $"{hint}Commands: {string.Join(", ", names)}; 'alc --help' lists them.");
    }

    /// <summary>
    /// The command named by the words typed ("registry ab create"), longest first, without creating every command:
    /// running one command should not pay for making all of them.
    /// </summary>
    private static (AlcCommand Command, IReadOnlyList<string> Remaining)? FindByWords(IReadOnlyList<string> args)
    {
        // Command words are lowercase letters, digits and dashes; anything else (paths, options) ends them.
        var words = args.TakeWhile(a => a.Length > 0 && a[0] != '-' && a.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            .Take(MaxCommandWords).ToList();
        for (var n = words.Count; n > 0; n--)
        {
            if (!CommandTable.ByName.TryGetValue(string.Join(' ', words.Take(n)), out var create)) continue;
            var command = create();
            if (command.Spec.Name == string.Join(' ', words.Take(n))) return (command, args.Skip(n).ToList());
        }
        return null;
    }

    private const int MaxCommandWords = 4;

    /// <summary><c>Ava.Cli.Commands.&lt;Words in PascalCase, dashes dropped&gt;Command</c>.</summary>
    internal static string CommandClassName(IEnumerable<string> words) =>
        "Ava.Cli.Commands." + string.Concat(words.SelectMany(w => w.Split('-')).Where(p => p.Length > 0)
            .Select(p => char.ToUpperInvariant(p[0]) + p[1..])) + "Command";

    private static void ReportFailure(CliContext context, bool json, ExitCode code, string kind, string problem, string fix, string? logPath)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, new FailureJson
            {
                ok = false,
                exitCode = (int)code,
                error = new FailureJson.Error { kind = kind, problem = problem, fix = fix, logPath = logPath },
            }, FailureJsonContext.Output.FailureJson);
        }
        // rustc's shape: the problem whole on the "error:" line, the fix as "= help:" (prose wrapped on a terminal only,
        // never inside a quoted command), the log path on a line of its own.
        var screen = context.Screen;
        screen.Line($"{screen.Red("error")}: {problem.Trim()}");
        if (!string.IsNullOrWhiteSpace(fix)) screen.Prose("  = help: ", fix.Trim());
        if (logPath is not null) screen.Line($"  = note: log: {logPath}");
    }
}

/// <summary>A failed command's --json object; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record FailureJson
{
    public required bool ok { get; init; }
    public required int exitCode { get; init; }
    public required Error error { get; init; }

    internal sealed record Error
    {
        public required string kind { get; init; }
        public required string problem { get; init; }
        public required string fix { get; init; }
        public string? logPath { get; init; }
    }
}

[JsonSerializable(typeof(FailureJson))]
internal sealed partial class FailureJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static FailureJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
