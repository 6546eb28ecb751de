namespace Ava.Compiler.Toolchain.Doctor;

public enum CheckStatus
{
    Pass,

    /// <summary>Works, but differs from the lock in a way that is probably harmless (or is advice, like disk space).</summary>
    Warn,

    Fail,

    /// <summary>Not run because a check it depends on failed, or because the part is optional and not configured.</summary>
    Skipped,
}

/// <summary>One row of the doctor table: what was found, what the lock expects, and the command that fixes it.</summary>
/// <param name="Required">A required check that fails makes doctor exit 3 and stops <c>alc compile</c>.</param>
public sealed record DoctorCheckResult(string Id, string Title, CheckStatus Status, string Found, string Expected, string? Fix, bool Required)
{
    public bool Blocks => Required && Status == CheckStatus.Fail;
}
