namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// libtvm and libtvm_runtime in the build folder export TVM v0.22's backend API and not the old ≤ v0.20 C API
/// (a stale build folder, or a TVM_LIBRARY_PATH pointing at an old build, produces libraries of the wrong generation).
/// Reads the dynamic symbol tables; not in the compile subset.
/// </summary>
public sealed class TvmLibrariesCheck : DoctorCheck
{
    public override string Id => "tvm-libraries";

    public override string Title => "libtvm / libtvm_runtime";

    public override bool InCompileScope => false;

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var tvm = c.Host.SharedLibraryName("tvm");
        var runtime = c.Host.SharedLibraryName("tvm_runtime");
        var expected = $"{tvm} and {runtime} exporting TVM v{c.Lock.Tvm.Version}'s backend API, not the ≤ v0.20 C API";
        if (c.Locations.TvmBuildDir is not { } build)
            return Task.FromResult(Fail("no TVM build folder (none given, no TVM_LIBRARY_PATH, no TVM source)", expected, Fixes.BuildTvm(c)));

        var problems = new List<string>();
        foreach (var name in new[] { tvm, runtime })
        {
            var inspection = TvmLibrarySurface.Inspect(Path.Combine(build.Path, name), TvmLibrarySurface.BackendExports(c.Lock), rejectNewer: false);
            if (!inspection.Ok) problems.Add($"{name}: {inspection.Summary}");
        }
        if (problems.Count == 0)
            return Task.FromResult(Pass($"{tvm} and {runtime} in {build.Path}", expected));
        var old = problems.Any(p => p.Contains("≤ v0.20", StringComparison.Ordinal));
        return Task.FromResult(Fail(string.Join("; ", problems), expected,
            (old ? $"These libraries come from an older TVM. Rebuild the v{c.Lock.Tvm.Version} checkout into a clean build folder. " : "") + Fixes.BuildTvm(c)));
    }
}
