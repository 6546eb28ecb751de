using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain.Doctor;

public sealed record DoctorReport(DoctorScope Scope, IReadOnlyList<DoctorCheckResult> Checks, ToolchainLocations Locations)
{
    /// <summary>No required check failed.</summary>
    public bool Ok => !Checks.Any(c => c.Blocks);

    public IEnumerable<DoctorCheckResult> Failures => Checks.Where(c => c.Blocks);

    public DoctorCheckResult? this[string id] => Checks.FirstOrDefault(c => c.Id == id);

    /// <summary>
    /// For callers that must not start without a working toolchain (<c>alc compile</c>): throws exit 3 naming every
    /// failed required check and its fix, in one paragraph.
    /// </summary>
    public void ThrowIfNotOk()
    {
        if (Ok) return;
        var failures = Failures.ToList();
        var problem = "The toolchain is not ready: " + string.Join("; ", failures.Select(f => $"{f.Title}: found {f.Found}, expected {f.Expected}"));
        var fix = string.Join(" ", failures.Where(f => f.Fix is not null).Select(f => $"[{f.Id}] {f.Fix}").Distinct())
                  + " Run 'alc doctor' for the full report.";
        throw new ToolchainNotReadyException(problem, fix.Trim(), this);
    }
}

/// <summary>The toolchain gate failed; shells render <see cref="Report"/>'s failed checks the way doctor does.</summary>
public sealed class ToolchainNotReadyException(string problem, string fix, DoctorReport report) : ToolchainMissingException(problem, fix)
{
    public DoctorReport Report { get; } = report;
}
