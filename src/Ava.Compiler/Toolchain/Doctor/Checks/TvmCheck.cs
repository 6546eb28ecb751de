namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// <c>import tvm</c> works, is v0.22.0 and was built from the locked commit (a pip nightly named 0.20.dev or a local
/// build of another commit emits code AVA's runtime cannot link), and is the full compiler, not runtime-only.
/// </summary>
public sealed class TvmCheck : DoctorCheck
{
    public override string Id => "tvm";

    public override string Title => "TVM";

    public override IReadOnlyList<string> DependsOn => ["python", "tvm-ffi"];

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var pin = c.Lock.Tvm;
        var expected = $"TVM {pin.Version} built from {pin.Commit[..8]}";
        var probe = await c.Probe!.RunAsync("tvm", cancellationToken);
        if (!probe.Ok)
            return Fail($"import tvm failed: {probe.Error}", expected, Fixes.ForPythonError(probe.Error!, c));

        var version = probe.String("version") ?? "unknown";
        var commit = probe.String("gitCommit");
        var where = Path.GetDirectoryName(probe.String("file")) ?? "?";
        // libinfo's GIT_COMMIT_HASH is "NOT-FOUND" when the tree had no .git (a `git archive` / release tarball); say
        // that in words instead of showing it as a commit.
        var known = commit is not (null or "" or "NOT-FOUND");
        var found = $"TVM {version}" + (known ? $" built from {ShortCommit(commit!)}" : ", commit unknown (built from a source archive)") + $" at {where}";
        if (version != pin.Version)
            return Fail(found, expected, Fixes.UseLockedTvm(c));
        if (probe.Bool("runtimeOnly") == true)
            return Fail(found + " (runtime-only libtvm_runtime; cannot compile)", expected,
                $"Unset TVM_USE_RUNTIME_LIB and build the full libtvm. " + Fixes.BuildTvm(c));
        // A tarball build reports no commit; the version matches, so it is probably right but cannot be proven.
        if (!known)
            return Warn(found, expected,
                $"Build TVM from a git checkout of {pin.Tag} ({pin.Commit}) so the build records its commit.");
        if (!Commits.Same(pin.Commit, commit!))
            return Fail(found, expected, $"Check out {pin.Tag} in the TVM source ('git -C {c.Locations.TvmSourceDir?.Path ?? "<tvm>"} checkout {pin.Commit} && git submodule update --init --recursive') and rebuild, {Fixes.Setup}.");
        return Pass(found, expected);
    }

    /// <summary>The first 8 hex digits of a commit hash; anything else (a tag, a describe string) is shown whole.</summary>
    private static string ShortCommit(string commit) =>
        commit.Length > 8 && commit.All(char.IsAsciiHexDigit) ? commit[..8] : commit;
}
