using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Verification;

/// <summary>
/// Proves that model libraries link against a runtime: the library entry point used by <c>alc verify</c> and by the
/// compile pipeline's verify stage. Bad input (unknown target or profile, damaged or unreadable files) throws
/// <see cref="BadInputException"/>; a rejected library is a result with <see cref="Verdict.Rejected"/>, not an exception.
/// </summary>
public static class Verifier
{
    public static VerificationResult Verify(IReadOnlyList<string> paths, VerifyOptions options, IReporter? reporter = null) =>
        Verify(paths.Select(VerifyInput.Of).ToList(), options.Runtimes.Select(VerifyInput.Of).ToList(), options, reporter);

    /// <param name="libraries">Each path is one model library (a tar, archive, object or folder).</param>
    /// <param name="runtimes">Runtime shared objects with display names; overrides <see cref="VerifyOptions.Runtimes"/>.</param>
    public static VerificationResult Verify(IReadOnlyList<VerifyInput> libraries, IReadOnlyList<VerifyInput> runtimes, VerifyOptions options, IReporter? reporter = null)
    {
        reporter ??= NullReporter.Instance;
        if (libraries.Count == 0)
            throw new BadInputException("No model library was given to verify.", "Pass one or more paths: a .tar from 'mlc_llm compile', a .a, .o, .ADco, .so or .ALM.");
        var catalog = new AbiCatalog(options.AbiDirectory);
        var profile = catalog.LoadProfile(options.Abi);
        var target = catalog.Target(options.Target);
        PhaseClock.Mark("abi profile loaded");
        var surface = RuntimeSurface.Load(runtimes, options.SystemLibs, options.SystemLibs, profile);
        PhaseClock.Mark("runtime surface");
        var check = new LibraryCheck(profile, target, surface, options.Bundle);

        var outcomes = new List<LibraryCheck.Outcome>();
        var inputs = LibraryInputs.Build(libraries, profile);
        PhaseClock.Mark("libraries read");
        foreach (var lib in inputs)
        {
            var outcome = check.Run(lib.Input, lib.Entries);
            PhaseClock.Mark($"checked {lib.Input.Display}");
            foreach (var source in lib.Sources)
                if (ManifestCheck.Run(source.Path, source.Display) is { Count: > 0 } tampered)
                    outcome = outcome with { Result = outcome.Result with { Verdict = Verdict.Rejected, Problems = [.. outcome.Result.Problems, .. tampered] } };
            PhaseClock.Mark($"manifest {lib.Input.Display}");
            if (lib.Sources.Count > 1 || lib.Notes.Count > 0)
                outcome = outcome with
                {
                    Result = outcome.Result with
                    {
                        Notes = lib.Notes,
                        Inputs = lib.Sources.Count > 1 ? lib.Sources.Select(s => s.Display).ToList() : null,
                    },
                };
            reporter.Info($"{lib.Input.Display}: {lib.Entries.Count(e => e.Object is not null)} object(s), {outcome.Result.Verdict.ToString().ToLowerInvariant()}");
            outcomes.Add(outcome);
        }

        var bundleProblems = options.Bundle ? BundleCheck.Run(outcomes) : [];
        var libs = outcomes.Select(o => o.Result).ToList();
        var rejected = bundleProblems.Any(p => p.Severity == Severity.Error) || libs.Any(l => l.Verdict == Verdict.Rejected);
        return new VerificationResult
        {
            Verdict = rejected ? Verdict.Rejected : Verdict.Accepted,
            Target = target.Id,
            Abi = profile.Id,
            Runtime = profile.Runtime,
            RuntimeSources = surface.TvmSources,
            SystemLibs = surface.SystemSources,
            Bundle = options.Bundle,
            Libraries = libs,
            Problems = bundleProblems,
            Notes = profile.NotReferencedByGeneratedCode.Select(n => $"{n.Symbol}: {n.Note}").ToList(),
        };
    }
}
