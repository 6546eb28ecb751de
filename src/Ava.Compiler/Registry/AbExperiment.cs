namespace Ava.Compiler.Registry;

/// <summary>
/// An A/B experiment, <c>registry/ab/&lt;id&gt;.json</c> (FR-7.4, US-3): registry models shipped side by side in one app
/// build with their traffic share. Schema: schemas/registry-ab.schema.json.
/// </summary>
public sealed record AbExperiment
{
    public const string SchemaName = "alc-registry-ab/1";

    public string Schema { get; init => field = value ?? SchemaName; } = SchemaName;

    public required string Id { get; init; }

    public required string Description { get; init; }

    public AbStatus Status { get; init; } = AbStatus.Draft;

    /// <summary>yyyy-MM-dd.</summary>
    public required string StartDate { get; init; }

    public required IReadOnlyList<AbArm> Arms { get; init; }

    public required IReadOnlyList<string> Metrics { get; init; }
}

public enum AbStatus { Draft, Running, Paused, Finished }

public enum AbRole { Control, Treatment }

public sealed record AbArm(string Model, int Weight, AbRole Role);
