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
    /// <summary>
    /// The library's own metadata and, when the path is a package (an .ALM or a model folder with mlc-chat-config.json /
    /// tensor-cache.json), the package proof against it.
    /// </summary>
    internal static LibraryResult WithMetadata(LibraryResult result, IReadOnlyList<ArtifactEntry> entries, VerifyInput lib)
    {
        var read = MetadataReader.Read(entries);
        var problems = result.Problems.ToList();
        if (read.Problem is not null) problems.Add(read.Problem);
        var package = PackageFiles.Open(Path.GetFullPath(lib.Path), lib.Display);
        LibraryMetadata? summary = null;
        string? packageNote = null;
        if (read.Metadata is not null)
        {
            summary = LibraryMetadata.From(read.Metadata, read.Source!, PackageProof.Symbols(package?.ChatConfig));
            if (package is not null)
            {
                problems.AddRange(PackageProof.Run(read.Metadata, package, lib.Display));
                packageNote = $"checked against {package.ChatConfigWhere} and {package.TensorCacheWhere}";
            }
        }
        else if (package is not null)
        {
            packageNote = read.Problem is not null ? "not run: the library's metadata is malformed" : "not run: the library carries no MLC-LLM metadata to compare with";
        }
        var rejected = problems.Any(p => p.Severity == Severity.Error);
        return result with
        {
            Metadata = summary,
            MetadataNote = read.Absent,
            PackageProof = packageNote,
            Problems = problems,
            Verdict = rejected ? Verdict.Rejected : result.Verdict,
        };
    }

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
        var runtimeSet = runtimes.Count == 0 ? null
            : Runtime.RuntimeSet.Load(runtimes, catalog.LoadRuntimeLayout(), profile.Generations, options.RuntimeInput);
        var runtimeProblems = runtimeSet is null ? [] : Runtime.RuntimeSetCheck.Run(runtimeSet, profile);
        var surface = RuntimeSurface.Load(runtimeSet, options.SystemLibs, options.SystemLibs, profile);
        PhaseClock.Mark("runtime surface");
        var check = new LibraryCheck(profile, target, surface, options.Bundle);

        var outcomes = new List<LibraryCheck.Outcome>();
        var inputs = LibraryInputs.Build(libraries, profile);
        PhaseClock.Mark("libraries read");
        foreach (var lib in inputs)
        {
            Runtime.RuntimeAsLibrary.ThrowIfRuntime(lib.Input, lib.Entries, options.RuntimeInput);
            var outcome = check.Run(lib.Input, lib.Entries);
            PhaseClock.Mark($"checked {lib.Input.Display}");
            outcome = outcome with { Result = WithMetadata(outcome.Result, lib.Entries, lib.Input) };
            PhaseClock.Mark($"metadata {lib.Input.Display}");
            foreach (var source in lib.Sources)
                if (PackageChecks.Run(source, lib.Entries, options) is { Count: > 0 } package)
                    outcome = outcome with { Result = outcome.Result with
                    {
                        Verdict = package.Any(p => p.Severity == Severity.Error) ? Verdict.Rejected : outcome.Result.Verdict,
                        Problems = [.. outcome.Result.Problems, .. package],
                    } };
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
        var rejected = bundleProblems.Any(p => p.Severity == Severity.Error) || libs.Any(l => l.Verdict == Verdict.Rejected)
                       || runtimeProblems.Any(p => p.Severity == Severity.Error);
        return new VerificationResult
        {
            Verdict = rejected ? Verdict.Rejected : Verdict.Accepted,
            Target = target.Id,
            Abi = profile.Id,
            Runtime = profile.Runtime,
            RuntimeSources = surface.TvmSources,
            RuntimeSet = runtimeSet is null ? null : Runtime.RuntimeSetReport.Of(runtimeSet, runtimeProblems),
            SystemLibs = surface.SystemSources,
            Bundle = options.Bundle,
            Libraries = libs,
            Problems = bundleProblems,
            Notes = profile.NotReferencedByGeneratedCode.Select(n => $"{n.Symbol}: {n.Note}").ToList(),
        };
    }
}
