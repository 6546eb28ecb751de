using Ava.Compiler.Errors;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.Runtime;

namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// Optional: AVA's own runtime (the files the phone loads) exports the v0.22 FFI and backend surface that compiled
/// models call, and nothing of another generation. The runtime is a set (<see cref="RuntimeSet"/>): a standard build's
/// libtvm_runtime.so with the libtvm_ffi.so it links, the app's jniLibs folder, or one packed library. Only runs when
/// a runtime is configured.
/// </summary>
public sealed class AvaRuntimeCheck : DoctorCheck
{
    public override string Id => "ava-runtime";

    public override string Title => "AVA runtime library";

    public override bool InCompileScope => false;

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var expected = $"the {c.Lock.AbiProfile} runtime surface (TVM v{c.Lock.Tvm.Version} + tvm-ffi {c.Lock.TvmFfi.Version}), from one packed library or libtvm_runtime.so + libtvm_ffi.so";
        if (c.Locations.AvaRuntime.Count == 0)
            return Task.FromResult(new DoctorCheckResult(Id, Title, CheckStatus.Skipped, "not configured", expected,
                $"Pass AVA's runtime{Remedy.Of(UserInput.Runtime)}: the app's jniLibs/arm64-v8a/ folder or the runtime files (or set ALC_AVA_RUNTIME), to check the runtime artifacts must link against.", Required: false));
        var catalog = new Abi.AbiCatalog();
        var profile = catalog.LoadProfile(c.Lock.AbiProfile);
        RuntimeSet set;
        try
        {
            set = RuntimeSet.Load(c.Locations.AvaRuntime.Select(r => new VerifyInput(r.Path, r.Path)).ToList(), catalog.LoadRuntimeLayout(), profile.Generations, UserInput.Runtime);
        }
        catch (BadInputException e)
        {
            return Task.FromResult(Fail(e.Problem, expected, e.RawFix));
        }
        var files = string.Join("; ", set.Members.Select(m => $"{m.Display} ({RuntimeFileReport.Of(set, m).Summary()})"));
        var problems = RuntimeSetCheck.Run(set, profile);
        var missing = profile.RuntimeExports.Where(s => !set.Exports.Contains(s)).ToList();
        if (problems.Count == 0 && missing.Count == 0) return Task.FromResult(Pass(files, expected));
        var found = string.Join(" ", problems.Select(p => p.Message));
        if (missing.Count > 0 && problems.All(p => p.Code != "runtime-incomplete"))
            found += $"{(found.Length > 0 ? " " : "")}Missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")}.";
        return Task.FromResult(Fail($"{found} Files: {files}", expected,
            problems.FirstOrDefault()?.RawFix ?? $"Use AVA's runtime built from TVM v{c.Lock.Tvm.Version} with tvm-ffi {c.Lock.TvmFfi.Version}, or leave the runtime out{Remedy.Of(UserInput.Runtime)}."));
    }
}
