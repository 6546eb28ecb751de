namespace Ava.Compiler.Errors;

/// <summary>The process exit codes every alc command and the Action use (see DEVELOPERS.md).</summary>
public enum ExitCode
{
    Ok = 0,
    VerificationFailed = 1,
    BadInput = 2,
    ToolchainMissing = 3,
    ExternalToolFailed = 4,
    Network = 5,

    /// <summary>
    /// The resource is busy: another alc run holds the build folder. sysexits' EX_TEMPFAIL ("try again later"), next to
    /// the EX_SOFTWARE (70) alc already uses; 0–5 keep their fixed meanings, and a scheduler can retry on 75 alone.
    /// </summary>
    Busy = 75,

    /// <summary>A bug in alc itself: never thrown on purpose, only mapped from an unexpected exception.</summary>
    InternalError = 70,
}
