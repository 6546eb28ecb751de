using Ava.Compiler.Errors;
namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// The MLC-LLM checkout exists and is at the locked commit. MLC-LLM moved on to TVM ≥ v0.24 APIs in 2026
/// (de560d29, then tvm.support as a package for v0.25), so a newer checkout fails to compile against TVM v0.22,
/// and an older one (before e5266607) emits the old system-lib API.
/// </summary>
public sealed class MlcLlmCheckoutCheck : DoctorCheck
{
    public override string Id => "mlc-llm";

    public override string Title => "MLC-LLM checkout";

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken) => Task.FromResult(Check(c));

    private DoctorCheckResult Check(DoctorContext c)
    {
        var pin = c.Lock.MlcLlm;
        var expected = $"mlc-ai/mlc-llm at {pin.Commit[..8]}";
        var clone = $"git clone {pin.Repository} mlc-llm && git -C mlc-llm checkout {pin.Commit} && git -C mlc-llm submodule update --init --recursive";
        if (c.Locations.MlcLlmDir is not { } dir)
            return Fail("no checkout configured", expected,
                $"Pass an MLC-LLM checkout{Remedy.Of(UserInput.MlcLlm)}, or set ALC_MLC_LLM_DIR, or \"mlcLlmDir\" in alc.toolchain.json; to make one: '{clone}', {Fixes.Setup}.");
        if (!Directory.Exists(dir.Path))
            return Fail($"{dir.Path} does not exist (from {dir.Source})", expected,
                $"Mount the drive that holds it or pass the right folder as the MLC-LLM checkout{Remedy.Of(UserInput.MlcLlm)}; to make one: '{clone}'.");
        if (!Directory.Exists(Path.Combine(dir.Path, "python", "mlc_llm")))
            return Fail($"{dir.Path} has no python/mlc_llm (from {dir.Source})", expected, $"Pass the root of an mlc-ai/mlc-llm checkout{Remedy.Of(UserInput.MlcLlm)}; to make one: '{clone}'.");

        var head = GitCheckout.HeadCommit(dir.Path);
        if (head is null)
            return Warn($"{dir.Path}: not a git checkout, commit unknown", expected,
                $"Use a git checkout at {pin.Commit} so alc can prove the commit ('{clone}').");
        var found = $"{head[..8]} at {dir.Path}";
        if (pin.MatchesPinned(head)) return Pass(found, expected);
        if (pin.Accepts(head)) return Pass(found + " (compatible with the lock)", expected);
        return Fail(found, expected,
            $"Check out the locked commit: 'git -C {dir.Path} fetch origin && git -C {dir.Path} checkout {pin.Commit} && git -C {dir.Path} submodule update --init --recursive'. " +
            $"Other MLC-LLM commits target other TVM versions (HEAD needs TVM ≥ v0.25) and their Android libraries do not load on AVA's TVM v{c.Lock.Tvm.Version} runtime.");
    }
}
