namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>
/// One doctor check: a small class that names what it found, what the lock expects, and the fix. Checks run in a
/// fixed order; one whose <see cref="DependsOn"/> failed is reported as skipped instead of failing again.
/// </summary>
public abstract class DoctorCheck
{
    public abstract string Id { get; }

    public abstract string Title { get; }

    public virtual bool Required => true;

    /// <summary>Part of the fast subset <c>alc compile</c> runs first.</summary>
    public virtual bool InCompileScope => true;

    public virtual IReadOnlyList<string> DependsOn => [];

    public abstract Task<DoctorCheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken);

    protected DoctorCheckResult Pass(string found, string expected) =>
        new(Id, Title, CheckStatus.Pass, found, expected, null, Required);

    protected DoctorCheckResult Warn(string found, string expected, string? fix) =>
        new(Id, Title, CheckStatus.Warn, found, expected, fix, Required);

    protected DoctorCheckResult Fail(string found, string expected, string fix) =>
        new(Id, Title, CheckStatus.Fail, found, expected, fix, Required);

    protected DoctorCheckResult Skip(string found, string expected, string? fix = null) =>
        new(Id, Title, CheckStatus.Skipped, found, expected, fix, Required);
}
