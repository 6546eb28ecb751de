namespace Ava.Compiler.Errors;

/// <summary>
/// A failure the user can act on. Everything the user needs is in <see cref="Problem"/> and <see cref="Fix"/>;
/// any other exception type reaching the shell is a bug in alc. The texts may mark inputs (<see cref="Remedy"/>): a
/// shell prints <see cref="ProblemIn"/> and <see cref="FixIn"/> with its own spelling; <see cref="Problem"/> and
/// <see cref="Fix"/> are the neutral texts.
/// </summary>
public abstract class AlcException : Exception
{
    protected AlcException(string problem, string fix, Exception? inner = null)
        : base(Compose(Remedy.Neutral(problem), Remedy.Neutral(fix)), inner)
    {
        RawProblem = problem;
        RawFix = fix;
    }

    public abstract ExitCode ExitCode { get; }

    /// <summary>Short machine-readable kind for --json output, e.g. "bad-input".</summary>
    public abstract string Kind { get; }

    /// <summary>The problem with its input marks.</summary>
    public string RawProblem { get; }

    /// <summary>The fix with its input marks.</summary>
    public string RawFix { get; }

    public string Problem => Remedy.Neutral(RawProblem);

    public string Fix => Remedy.Neutral(RawFix);

    /// <summary>The problem in a shell's words.</summary>
    public string ProblemIn(Func<UserInput, string?> spell) => Remedy.Render(RawProblem, spell);

    /// <summary>The fix in a shell's words.</summary>
    public string FixIn(Func<UserInput, string?> spell) => Remedy.Render(RawFix, spell);

    private static string Compose(string problem, string fix)
    {
        var p = problem.TrimEnd();
        if (p.Length > 0 && !".!?".Contains(p[^1])) p += ".";
        return string.IsNullOrWhiteSpace(fix) ? p : $"{p} Fix: {fix.Trim()}";
    }
}

/// <summary>Exit 1: an artifact was checked and rejected.</summary>
public class VerificationFailedException(string problem, string fix, Exception? inner = null)
    : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.VerificationFailed;
    public override string Kind => "verification-failed";

    /// <summary>The Markdown report of the rejected check, when one was written (the Action puts it in the job summary).</summary>
    public string? ReportPath { get; init; }
}

/// <summary>Exit 2: bad input or usage (unknown option, damaged file, invalid recipe...).</summary>
public class BadInputException(string problem, string fix, Exception? inner = null)
    : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.BadInput;
    public override string Kind => "bad-input";
}

/// <summary>Exit 3: a required toolchain part or environment setting is missing or wrong.</summary>
public class ToolchainMissingException(string problem, string fix, Exception? inner = null)
    : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.ToolchainMissing;
    public override string Kind => "toolchain-missing";
}

/// <summary>Exit 4: an external program (mlc_llm, ld.lld, ...) ran and failed.</summary>
public class ExternalToolException(string problem, string fix, string? logPath = null, Exception? inner = null)
    : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.ExternalToolFailed;
    public override string Kind => "external-tool-failed";
    public string? LogPath { get; } = logPath;
}

/// <summary>Exit 5: a network or download failure.</summary>
public class NetworkException(string problem, string fix, Exception? inner = null)
    : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.Network;
    public override string Kind => "network";
}
