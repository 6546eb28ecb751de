using Ava.Compiler.Errors;

namespace Ava.Cli.CommandLine;

/// <summary>
/// Parses the words after the command name against a <see cref="CommandSpec"/>. Every mistake is a usage error
/// (exit 2) that names the offending word and what would be accepted.
/// </summary>
public static class ArgumentParser
{
    public static CommandInput Parse(CommandSpec spec, IReadOnlyList<string> args)
    {
        var options = spec.AllOptions.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var loose = new List<string>();
        var onlyPositionals = false;

        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (onlyPositionals || !word.StartsWith('-') || word == "-")
            {
                loose.Add(word);
                continue;
            }
            if (word == "--")
            {
                onlyPositionals = true;
                continue;
            }
            if (word == "-h") word = "--help";

            string name = word;
            string? inline = null;
            var eq = word.IndexOf('=');
            if (word.StartsWith("--") && eq > 2)
            {
                name = word[..eq];
                inline = word[(eq + 1)..];
            }

            if (!options.TryGetValue(name, out var opt))
                throw name == "--token" ? TokenOnCommandLine() : Unknown(spec, name);

            if (opt.Kind == OptionKind.Flag)
            {
                if (inline is not null)
                    throw new BadInputException($"{name} is a switch and takes no value (got '{word}').", $"Write just {name}.");
                flags.Add(name);
                continue;
            }

            string value;
            if (inline is not null) value = inline;
            else if (i + 1 < args.Count && !(args[i + 1].StartsWith("--") && args[i + 1].Length > 2)) value = args[++i];
            else throw new BadInputException($"{name} needs a value.", $"Write {name} <{opt.ValueName}>; see 'alc {spec.Name} --help'.");

            if (!values.TryGetValue(name, out var list)) values[name] = list = [];
            if (opt.Kind == OptionKind.Value && list.Count > 0 && list[0] != value)
                throw new BadInputException($"{name} was given twice ('{list[0]}' and '{value}').", $"Give {name} once.");
            if (opt.Kind == OptionKind.Value) list.Clear();
            list.Add(value);
        }

        var positionals = AssignPositionals(spec, loose, values, flags.Contains("--help"));
        return new CommandInput(spec, values, flags, positionals);
    }

    private static Dictionary<string, List<string>> AssignPositionals(CommandSpec spec, List<string> loose,
        Dictionary<string, List<string>> values, bool helpRequested)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var queue = new Queue<string>(loose);
        foreach (var p in spec.Positionals)
        {
            var taken = new List<string>();
            if (p.Variadic) while (queue.Count > 0) taken.Add(queue.Dequeue());
            else if (queue.Count > 0) taken.Add(queue.Dequeue());

            if (p.AlsoOption is not null && values.TryGetValue(p.AlsoOption, out var viaOption) && viaOption.Count > 0)
            {
                if (taken.Count > 0 && taken[0] != viaOption[0])
                    throw new BadInputException(
                        $"The {p.Name} was given twice, as '{taken[0]}' and as {p.AlsoOption} '{viaOption[0]}'.",
                        $"Give it once: 'alc {spec.Name} {viaOption[0]}' or 'alc {spec.Name} {p.AlsoOption} {viaOption[0]}'.");
                if (taken.Count == 0) taken.AddRange(viaOption);
            }

            if (taken.Count == 0 && p.Required && !helpRequested)
                throw new BadInputException($"'alc {spec.Name}' needs {Article(p.Name)} <{p.Name}>.",
                    $"Usage: {Usage(spec)}");
            result[p.Name] = taken;
        }
        if (queue.Count > 0 && !helpRequested)
            throw new BadInputException($"Unexpected argument '{queue.Peek()}' for 'alc {spec.Name}'.", $"Usage: {Usage(spec)}");
        return result;
    }

    /// <summary>
    /// hf download takes --token VALUE; alc does not, and says why without echoing the value (it may be a real token).
    /// </summary>
    private static BadInputException TokenOnCommandLine() =>
        new("alc does not take a token on the command line (--token): a value there is kept in your shell history and shown to every user of the machine in the process list.",
            "Put the token in HF_TOKEN, or in a file readable only by you and pass --token-file FILE (or set HF_TOKEN_PATH).");

    private static BadInputException Unknown(CommandSpec spec, string name)
    {
        var known = spec.AllOptions.Select(o => o.Name).ToList();
        var near = known.OrderBy(k => Levenshtein(k, name)).First();
        var hint = Levenshtein(near, name) <= 3 ? $"Did you mean {near}? " : "";
        return new BadInputException($"Unknown option '{name}' for 'alc {spec.Name}'.",
            $"{hint}Accepted options: {string.Join(", ", known)}.");
    }

    public static string Usage(CommandSpec spec)
    {
        var parts = new List<string> { "alc", spec.Name };
        foreach (var p in spec.Positionals)
        {
            var token = p.Variadic ? $"{p.Name.ToUpperInvariant()}..." : p.Name.ToUpperInvariant();
            parts.Add(p.Required ? token : $"[{token}]");
        }
        if (spec.Options.Count > 0) parts.Add("[options]");
        return string.Join(' ', parts);
    }

    private static string Article(string word) => "aeiou".Contains(char.ToLowerInvariant(word[0])) ? "an" : "a";

    internal static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
