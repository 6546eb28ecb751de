using System.Text;
using Ava.Compiler.Abi;
using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Processes;

namespace Ava.Compiler.Verification.Linking;

/// <summary>
/// The strongest proof before a phone: ld.lld links each model library (all of them at once for a bundle) the way the
/// app build links libmodel_android.a — <c>-shared --no-undefined -z defs --whole-archive</c> for
/// aarch64-linux-android24 against AVA's runtime and the sysroot's libc/libm/libdl/liblog — into a throwaway shared
/// object in a temp folder that is deleted afterwards. Linker errors become <see cref="Problem"/>s like the name checks'.
/// </summary>
public static class LinkProof
{
    public const string ProofName = "ld.lld";

    /// <summary>
    /// Adds the linker's verdict to <paramref name="names"/> (the name checks' result). Without a linker or a runtime the
    /// proof is skipped with a note and the verdict is unchanged.
    /// </summary>
    /// <param name="runtimes">The runtime set as given (files and folders); every member is passed to the linker.</param>
    public static async Task<VerificationResult> RunAsync(VerificationResult names, IReadOnlyList<VerifyInput> libraries,
        IReadOnlyList<VerifyInput> runtimes, LinkerSetup? setup, VerifyOptions options, IReporter? reporter = null, CancellationToken ct = default)
    {
        reporter ??= NullReporter.Instance;
        if (setup is null)
            return Skipped(names, "No Android NDK or linker was given (an NDK folder, ANDROID_NDK_HOME, or a linker with the system library folder): the link proof was skipped and the verdict rests on the symbol-name checks.");
        if (options.Target != AbiCatalog.DefaultTarget)
            return Skipped(names, $"The link proof links for aarch64-linux-android{LinkerSetup.ApiLevel} only; target {options.Target} was checked by symbol names.");
        if (runtimes.Count == 0)
            return Skipped(names, "The link proof needs AVA's runtime files (the app's jniLibs/arm64-v8a/ folder, libtvm_runtime.so with libtvm_ffi.so, or libtvm4j_runtime_packed.so): it was skipped and the verdict rests on the symbol-name checks.");
        if (!File.Exists(setup.Linker))
            throw new BadInputException($"The linker '{setup.Linker}' does not exist.", $"Pass the NDK root{Remedy.Of(UserInput.Ndk)}, or an ld.lld{Remedy.Of(UserInput.Linker)}.");
        if (!Directory.Exists(setup.SystemLibs))
            throw new BadInputException($"The system library folder '{setup.SystemLibs}' does not exist.", $"Pass the folder holding libc.so, libm.so, libdl.so and liblog.so as the system library folder{Remedy.Of(UserInput.SystemLibs)} (the NDK's sysroot/usr/lib/aarch64-linux-android/24).");

        var catalog = new AbiCatalog(options.AbiDirectory);
        var profile = catalog.LoadProfile(options.Abi);
        // The whole runtime set: every member goes to the linker (ld.lld does not follow a shared object's DT_NEEDED
        // to resolve the output's own references, so libtvm_ffi.so must be named beside libtvm_runtime.so).
        var runtimeSet = Runtime.RuntimeSet.Load(runtimes, catalog.LoadRuntimeLayout(), profile.Generations, options.RuntimeInput);
        var members = runtimeSet.Members.Select(m => new VerifyInput(m.Path, m.Display)).ToList();
        var extra = names.Libraries.Select(_ => new List<Problem>()).ToList();
        var bundleProblems = new List<Problem>();
        // Loose objects the name checks paired into one library (LibraryResult.Inputs) are linked together too.
        var libOf = LibraryOfEachInput(names, libraries);
        var groups = options.Bundle ? [Enumerable.Range(0, libraries.Count).ToList()]
            : Enumerable.Range(0, names.Libraries.Count).Select(l => Enumerable.Range(0, libraries.Count).Where(i => libOf[i] == l).ToList()).ToList();

        using (var inputs = LinkInputs.Write(libraries))
        {
            foreach (var group in groups)
            {
                var files = DistinctWithinLibrary(group, inputs, libOf);
                if (files.Count == 0) continue; // no objects: the name checks already rejected it
                var args = new List<string>
                {
                    "-m", "aarch64linux", "-shared", "--no-undefined", "-z", "defs", "--error-limit=0", "--build-id=none",
                    "-o", Path.Combine(inputs.Root, "proof.so"), "--whole-archive",
                };
                args.AddRange(files);
                args.Add("--no-whole-archive");
                args.AddRange(members.Select(r => Path.GetFullPath(r.Path)));
                args.AddRange(["-L", Path.GetFullPath(setup.SystemLibs), "-lc", "-lm", "-ldl", "-llog"]);

                var run = await ToolRun.RunAsync(new ToolCommand(setup.Linker, args).WithWorkingDirectory(inputs.Root), Timeout.InfiniteTimeSpan, ct, Encoding.UTF8);
                if (run.StartFailure is { } failure)
                    throw new ToolchainMissingException($"The linker '{setup.Linker}' could not be started ({failure}).", $"Pass an executable ld.lld{Remedy.Of(UserInput.Linker)}, or the NDK root{Remedy.Of(UserInput.Ndk)}.");
                var groupNames = string.Join(", ", group.Select(i => libraries[i].Display));
                reporter.Info($"link proof ({ProofName}): {groupNames}: {(run.ExitCode == 0 ? "linked" : "failed")}");
                if (run.ExitCode == 0) continue;

                var errors = LinkerDiagnostics.Parse(run.StandardError + "\n" + run.StandardOutput);
                if (errors.Count == 0)
                    errors.Add(new LinkerError("other", null, [], $"exited with code {run.ExitCode} without an error message"));
                foreach (var e in errors)
                    Place(ToProblem(e, inputs, libraries, members, runtimeSet, profile, setup, groupNames), e, inputs, group, libOf, options.Bundle, extra, bundleProblems);
            }
        }

        var libs = names.Libraries.Select((l, i) => extra[i].Count == 0 ? l : l with
        {
            Problems = [.. l.Problems, .. extra[i]],
            Verdict = extra[i].Any(p => p.Severity == Severity.Error) ? Verdict.Rejected : l.Verdict,
        }).ToList();
        var allProblems = names.Problems.Concat(bundleProblems).ToList();
        var linked = extra.All(x => x.Count == 0) && bundleProblems.Count == 0;
        var rejected = libs.Any(l => l.Verdict == Verdict.Rejected) || allProblems.Any(p => p.Severity == Severity.Error);
        return names with
        {
            Libraries = libs,
            Problems = allProblems,
            Verdict = rejected ? Verdict.Rejected : Verdict.Accepted,
            Link = new LinkResult
            {
                Performed = true,
                Linked = linked,
                Linker = setup.Linker,
                SystemLibs = setup.SystemLibs,
                Note = $"{(options.Bundle ? "all libraries at once" : "each library")} linked with {ProofName} -shared --no-undefined -z defs --whole-archive for {LinkerSetup.Triple}{LinkerSetup.ApiLevel}: {(linked ? "linked" : "failed")}.",
            },
        };
    }

    private static VerificationResult Skipped(VerificationResult names, string note) =>
        names with { Link = new LinkResult { Performed = false, Note = note } };

    private static Problem ToProblem(LinkerError e, LinkInputs inputs, IReadOnlyList<VerifyInput> libraries, IReadOnlyList<VerifyInput> runtimes,
        Runtime.RuntimeSet runtimeSet, AbiProfile profile, LinkerSetup setup, string groupNames)
    {
        var where = e.Sites.Select(s => Describe(s, inputs)).Distinct().ToList();
        var sites = string.Join("; ", e.Sites.Select(s => Describe(s, inputs) + (string.IsNullOrEmpty(s.Function) || s.Function.StartsWith('.') ? "" : $" (in {s.Function})")).Distinct().Take(6));
        var runtimeNames = string.Join(", ", runtimes.Select(r => r.Display));
        switch (e.Kind)
        {
            case "undefined":
            {
                var sym = e.Symbol!;
                var marker = profile.Generations.MarkerFor(sym);
                string diagnosis = "", fix;
                if (marker is not null)
                {
                    var (lo, hi) = profile.Generations.RangeOf(marker);
                    var index = profile.Generations.IndexOf(profile.Generation);
                    diagnosis = $" {sym} is emitted by {profile.Generations.RangeLabel(lo, hi)}.";
                    fix = index < lo || index >= hi ? profile.Fix
                        : $"Compile the library with the TVM the runtime was built from ({profile.Runtime}), or pass the runtime the app really ships{Remedy.Of(runtimeSet.Input)}.";
                }
                else fix = "Link the library that provides it into the app, or compile the model without that dependency.";
                return new Problem
                {
                    Severity = Severity.Error, Code = "unresolved-symbol", Symbol = sym, Where = where, Proof = ProofName,
                    Message = $"{ProofName}: undefined symbol {sym}, referenced by {sites}: linking against {runtimeNames}{runtimeSet.WhyMissing(sym, profile.Generation)} and the API {LinkerSetup.ApiLevel} system libraries fails as the app build would.{diagnosis}",
                    Fix = fix,
                };
            }
            case "duplicate":
                return new Problem
                {
                    Severity = Severity.Error, Code = "duplicate-symbol", Symbol = e.Symbol, Where = where, Proof = ProofName,
                    Message = $"{ProofName}: duplicate symbol {e.Symbol}, defined in {sites}: the app build fails the same way when it links these objects together.",
                    Fix = "Give each model its own --system-lib-prefix, or do not bundle the same library twice.",
                };
            default:
                // One line of the linker's own words, with the temp folder taken out: never the raw output.
                var text = e.Text.Replace(inputs.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
                foreach (var (rel, display) in inputs.Display) text = text.Replace(rel, display, StringComparison.Ordinal);
                return new Problem
                {
                    Severity = Severity.Error, Code = "link-failed", Where = where.Count > 0 ? where : [groupNames], Proof = ProofName,
                    Message = $"{ProofName} could not link {groupNames}: {text}.",
                    Fix = $"Check that every object is built for {LinkerSetup.Triple} (arm64-v8a) and that {runtimeNames} is AVA's runtime for that ABI; the sysroot used was {setup.SystemLibs}.",
                };
        }
    }

    private static string Describe(LinkerSite s, LinkInputs inputs)
    {
        var file = inputs.Display.TryGetValue(s.File, out var d) ? d : Path.GetFileName(s.File);
        return s.Member is null ? file : file + "!" + s.Member;
    }

    /// <summary>A problem belongs to the library whose objects it names; across libraries in a bundle, to the bundle.</summary>
    private static void Place(Problem p, LinkerError e, LinkInputs inputs, List<int> group, int[] libOf, bool bundle,
        List<List<Problem>> extra, List<Problem> bundleProblems)
    {
        var owners = e.Sites.Select(s => inputs.Owner.TryGetValue(s.File, out var o) ? libOf[o] : -1).Where(o => o >= 0).Distinct().ToList();
        if (owners.Count == 1) extra[owners[0]].Add(p);
        else if (bundle) bundleProblems.Add(p);
        else foreach (var l in group.Select(i => libOf[i]).Distinct()) extra[l].Add(p);
    }

    /// <summary>For each input path, the index of the library result it was checked in (paired loose objects share one).</summary>
    private static int[] LibraryOfEachInput(VerificationResult names, IReadOnlyList<VerifyInput> libraries)
    {
        var libOf = new int[libraries.Count];
        var next = 0;
        for (var i = 0; i < libraries.Count; i++)
        {
            var owner = -1;
            for (var l = 0; l < names.Libraries.Count && owner < 0; l++)
                if (names.Libraries[l].Inputs is { } paired && paired.Contains(libraries[i].Display)) owner = l;
            if (owner < 0)
            {
                while (next < names.Libraries.Count && names.Libraries[next].Inputs is not null) next++;
                owner = Math.Min(next++, names.Libraries.Count - 1);
            }
            libOf[i] = owner;
        }
        return libOf;
    }

    /// <summary>
    /// The object files of a link group, an object whose bytes equal an earlier one of the same library left out (the
    /// name checks counted it once: the same member as a loose file and inside a tar, or one file given twice).
    /// </summary>
    private static List<string> DistinctWithinLibrary(List<int> group, LinkInputs inputs, int[] libOf)
    {
        var seen = new HashSet<(int, string)>();
        var files = new List<string>();
        foreach (var i in group)
            foreach (var f in inputs.Files[i])
            {
                var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(inputs.Root, f))));
                if (seen.Add((libOf[i], sha))) files.Add(f);
            }
        return files;
    }
}

/// <summary>What the link proof did: skipped (with why), or linked / failed with which linker and sysroot.</summary>
public sealed record LinkResult
{
    public required bool Performed { get; init; }

    /// <summary>True when every link succeeded (only when performed).</summary>
    public bool Linked { get; init; }

    public string? Linker { get; init; }

    public string? SystemLibs { get; init; }

    public required string Note { get; init; }
}
