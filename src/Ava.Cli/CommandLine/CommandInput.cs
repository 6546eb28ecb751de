using Ava.Compiler.Errors;

namespace Ava.Cli.CommandLine;

/// <summary>The parsed arguments of one command invocation.</summary>
public sealed class CommandInput
{
    private readonly Dictionary<string, List<string>> _values;
    private readonly HashSet<string> _flags;
    private readonly Dictionary<string, List<string>> _positionals;

    internal CommandInput(CommandSpec spec, Dictionary<string, List<string>> values, HashSet<string> flags,
        Dictionary<string, List<string>> positionals)
    {
        Spec = spec;
        _values = values;
        _flags = flags;
        _positionals = positionals;
    }

    public CommandSpec Spec { get; }

    public bool Json => Flag("--json");

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name)
    {
        if (_values.TryGetValue(name, out var v) && v.Count > 0) return v[^1];
        return Spec.AllOptions.FirstOrDefault(o => o.Name == name)?.Default;
    }

    public string RequiredValue(string name) =>
        Value(name) ?? throw new BadInputException($"{name} is required for 'alc {Spec.Name}'.",
            $"Pass {name} <{Spec.AllOptions.First(o => o.Name == name).ValueName}>; see 'alc {Spec.Name} --help'.");

    public IReadOnlyList<string> Values(string name) =>
        _values.TryGetValue(name, out var v) ? v : [];

    public IReadOnlyList<string> Positional(string name) =>
        _positionals.TryGetValue(name, out var v) ? v : [];

    public string? PositionalValue(string name) => Positional(name).FirstOrDefault();

    /// <summary>An integer option, with a usage error naming the option when it is not one.</summary>
    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = Value(name);
        if (raw is null) return null;
        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new BadInputException($"{name} takes a whole number from {min} to {max}, not '{raw}'.", $"Pass {name} with a number in that range.");
        return n;
    }
}
