namespace Ava.Cli.CommandLine;

public enum OptionKind
{
    /// <summary>Present or absent: <c>--bundle</c>.</summary>
    Flag,

    /// <summary>Takes one value: <c>--target android-arm64</c> or <c>--target=android-arm64</c>.</summary>
    Value,

    /// <summary>Takes one value and may be given many times: <c>--runtime a.so --runtime b.so</c>.</summary>
    Repeatable,
}

public sealed record OptionSpec(string Name, OptionKind Kind, string Description, string? ValueName = null, string? Default = null)
{
    /// <summary>The values this option accepts, listed by --help and offered by shell completion; null = free text.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    public OptionSpec OneOf(params string[] values) => this with { AllowedValues = values };

    public static OptionSpec Flag(string name, string description) => new(name, OptionKind.Flag, description);

    public static OptionSpec Value(string name, string valueName, string description, string? @default = null) =>
        new(name, OptionKind.Value, description, valueName, @default);

    public static OptionSpec Repeatable(string name, string valueName, string description) =>
        new(name, OptionKind.Repeatable, description, valueName);
}

/// <param name="Name">As typed by the user, e.g. "paths".</param>
/// <param name="Required">Must appear at least once.</param>
/// <param name="Variadic">Takes every remaining positional argument.</param>
/// <param name="AlsoOption">An option that may carry the same value (<c>alc compile --model X</c> = <c>alc compile X</c>).</param>
public sealed record PositionalSpec(string Name, string Description, bool Required = true, bool Variadic = false, string? AlsoOption = null)
{
    /// <summary>The values this argument accepts, listed by --help and checked before the command runs; null = free text.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }
}

/// <summary>What a command accepts. <see cref="Name"/> may have several words ("recipes list").</summary>
public sealed record CommandSpec(string Name, string Summary)
{
    public IReadOnlyList<OptionSpec> Options { get; init; } = [];

    public IReadOnlyList<PositionalSpec> Positionals { get; init; } = [];

    /// <summary>Environment variables the command reads, with what each does; listed by --help.</summary>
    public IReadOnlyList<(string Name, string Description)> Environment { get; init; } = [];

    /// <summary>Extra paragraphs shown by --help (examples, notes).</summary>
    public string? Details { get; init; }

    /// <summary>Every command takes --json and --help.</summary>
    public IEnumerable<OptionSpec> AllOptions => Options.Concat(CommonOptions);

    public static readonly IReadOnlyList<OptionSpec> CommonOptions =
    [
        OptionSpec.Flag("--json", "Print one machine-readable result object on stdout."),
        OptionSpec.Flag("--help", "Show this help."),
    ];
}
