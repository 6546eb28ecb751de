using System.Text.Json.Serialization;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain.Smoke;

[JsonConverter(typeof(JsonStringEnumConverter<SmokeStatus>))]
public enum SmokeStatus
{
    /// <summary>convert_weight, gen_config and compile ran and the library passed verification.</summary>
    Passed,

    /// <summary>An MLC-LLM step failed: the toolchain cannot compile (exit 3).</summary>
    ToolchainBroken,

    /// <summary>The toolchain compiled, but the library fails the checks of <c>alc verify</c> (exit 1).</summary>
    LibraryRejected,
}

/// <summary>
/// The outcome of one smoke test (<see cref="ToolchainSmoke"/>), cached under its toolchain key. On failure
/// <see cref="Step"/> names the MLC-LLM step, <see cref="ErrorLine"/> the last Python error line of its log, and
/// <see cref="Fault"/> / <see cref="Fix"/> what it means and what removes it.
/// </summary>
public sealed record SmokeResult
{
    public required string ToolchainKey { get; init; }

    public required SmokeStatus Status { get; init; }

    public bool Passed => Status == SmokeStatus.Passed;

    /// <summary>When the smoke test started (UTC).</summary>
    public required DateTimeOffset RanAt { get; init; }

    public required double Seconds { get; init; }

    /// <summary>The MLC-LLM subcommands that ran, in order, with their seconds.</summary>
    public IReadOnlyList<SmokeStep> Steps { get; init => field = value ?? []; } = [];

    /// <summary>The failing step: convert_weight, gen_config, compile or verify; null when it passed.</summary>
    public string? Step { get; init; }

    public string? ErrorLine { get; init; }

    public string? Fault { get; init; }

    public string? Fix { get; init; }

    /// <summary>The failing step's log, kept beside the cached result.</summary>
    public string? LogPath { get; init; }

    /// <summary>The verified library: its TVM generation and model_lib (passed runs).</summary>
    public string? Generation { get; init; }

    public string? ModelLib { get; init; }

    /// <summary>What the link proof did: "linked with …" or why it was skipped.</summary>
    public string? LinkProof { get; init; }

    /// <summary>Where the tokenizer came from (a cached checkpoint, or the minimal one).</summary>
    public string? Tokenizer { get; init; }

    [JsonIgnore]
    public ExitCode ExitCode => Status switch
    {
        SmokeStatus.Passed => ExitCode.Ok,
        SmokeStatus.LibraryRejected => ExitCode.VerificationFailed,
        _ => ExitCode.ToolchainMissing,
    };

    /// <summary>For callers that must not go on with a failed toolchain (<c>alc compile</c>): exit 3 or 1 with the fault and its fix.</summary>
    public void ThrowIfFailed()
    {
        if (Passed) return;
        var problem = $"The toolchain smoke test failed at {Step}: {Fault}" + (ErrorLine is null ? "" : $" (last error: {ErrorLine})");
        var fix = $"{Fix} Then run the smoke test again." + (LogPath is null ? "" : $" Log: {LogPath}");
        if (Status == SmokeStatus.LibraryRejected) throw new VerificationFailedException(problem, fix);
        throw new ToolchainMissingException(problem, fix);
    }

    /// <summary>One line for the doctor table: when it passed (or failed) and how long it took.</summary>
    public string Summary(bool cached) =>
        (Passed ? $"passed {RanAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC in {Seconds:0.0} s" : $"failed at {Step} {RanAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC after {Seconds:0.0} s: {Fault}")
        + (cached ? " (cached for this toolchain)" : "");
}

public sealed record SmokeStep(string Name, double Seconds);
