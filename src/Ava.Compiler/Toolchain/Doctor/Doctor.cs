using Ava.Compiler.Toolchain.Doctor.Checks;

namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>
/// Checks a toolchain installation against the lock. <c>alc doctor</c> runs <see cref="DoctorScope.Full"/>;
/// <c>alc compile</c> runs <see cref="DoctorScope.Compile"/> first and calls <see cref="DoctorReport.ThrowIfNotOk"/>
/// so a wrong toolchain stops with fixes before any download.
/// </summary>
public static class Doctor
{
    /// <summary>The checks in the order they run (a check only depends on earlier ones).</summary>
    public static IReadOnlyList<DoctorCheck> AllChecks { get; } =
    [
        new PythonCheck(),
        new PythonPackagesCheck(),
        new TvmFfiCheck(),
        new TvmFfiCoreCheck(),
        new TvmCheck(),
        new TvmLlvmCheck(),
        new TvmLibrariesCheck(),
        new MlcLlmCheckoutCheck(),
        new MlcLlmModelsCheck(),
        new LlvmCheck(),
        new AndroidNdkCheck(),
        new NdkClangCheck(),
        new DiskSpaceCheck(),
        new AvaRuntimeCheck(),
    ];

    public static Task<DoctorReport> RunAsync(ToolchainLocations locations, DoctorScope scope, CancellationToken cancellationToken) =>
        RunAsync(locations, scope, DoctorOptions.Default, cancellationToken);

    public static async Task<DoctorReport> RunAsync(ToolchainLocations locations, DoctorScope scope, DoctorOptions options,
        CancellationToken cancellationToken)
    {
        var context = new DoctorContext(locations, scope, options);
        var results = new List<DoctorCheckResult>();
        foreach (var check in AllChecks)
        {
            if (scope == DoctorScope.Compile && !check.InCompileScope) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var blocked = check.DependsOn.Select(context.Result).FirstOrDefault(r => r is { Status: CheckStatus.Fail or CheckStatus.Skipped });
            var result = blocked is not null
                ? new DoctorCheckResult(check.Id, check.Title, CheckStatus.Skipped, $"not checked: {blocked.Title} failed", "-",
                    $"Fix '{blocked.Id}' first.", check.Required)
                : await check.RunAsync(context, cancellationToken);
            context.Record(result);
            results.Add(result);
        }
        return new DoctorReport(scope, results, locations);
    }
}
