using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Registry;

/// <summary>One reason an A/B experiment cannot ship; <see cref="Symbol"/> names the colliding symbol of a failed link proof.</summary>
public sealed record AbProblem(string Code, string Message, string Fix, string? Symbol = null);

/// <summary>The outcome of <see cref="AbValidator.Validate"/>; <see cref="Bundle"/> is the verify core's bundle proof, when it ran.</summary>
public sealed record AbValidation(AbExperiment Experiment, IReadOnlyList<AbProblem> Problems, VerificationResult? Bundle, IReadOnlyList<string> Libraries)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Proves an A/B experiment can ship (FR-7.4, US-3 "both models loadable in the same build"): every arm is a verified
/// registry entry, the weights sum to 100, there is a control and a treatment, and — for LLM arms — their model
/// libraries link into one app: the verify core's bundle proof (distinct system-lib prefixes, no global symbol defined
/// twice) over the registered <c>.ADco</c> files, after checking they are the registered bytes, and each library's
/// metadata agrees with its entry (<see cref="RegistryMetadataProof"/>).
/// </summary>
public static class AbValidator
{
    public const string Target = "android-arm64";

    /// <param name="distDirectory">Where the entries' artifact paths are resolved.</param>
    /// <param name="linkProof">False skips the bundle proof (the libraries are not on this machine).</param>
    public static AbValidation Validate(ModelRegistry registry, AbExperiment experiment, string distDirectory, bool linkProof = true)
    {
        var problems = new List<AbProblem>();
        var total = experiment.Arms.Sum(a => a.Weight);
        if (total != 100)
            problems.Add(new("weights", $"The arms' weights sum to {total} ({string.Join(" + ", experiment.Arms.Select(a => $"{a.Model} {a.Weight}"))}), not 100.",
                "Give the arms weights (percent of users) that add up to 100."));
        foreach (var dup in experiment.Arms.GroupBy(a => a.Model).Where(g => g.Count() > 1))
            problems.Add(new("duplicate-arm", $"{dup.Key} is in {dup.Count()} arms.", "List each model once."));
        if (experiment.Arms.All(a => a.Role != AbRole.Control))
            problems.Add(new("roles", "No arm has the role control.", "Mark the current model (the baseline) as control."));
        if (experiment.Arms.All(a => a.Role != AbRole.Treatment))
            problems.Add(new("roles", "No arm has the role treatment.", "Mark the model under test as treatment."));

        var entries = new List<ModelEntry>();
        foreach (var arm in experiment.Arms.DistinctBy(a => a.Model))
        {
            if (!registry.HasModel(arm.Model))
            {
                problems.Add(new("missing-model", $"The arm {arm.Model} is not in the registry ({registry.ModelsDirectory}).",
                    "Build and register it with 'alc compile', or fix the name ('alc registry list')."));
                continue;
            }
            var entry = registry.GetModel(arm.Model);
            entries.Add(entry);
            if (!entry.Verified)
                problems.Add(new("unverified", $"The arm {arm.Model} failed verification (status {entry.Verification.Status.ToString().ToLowerInvariant()}).",
                    "Only verified builds ship: rebuild it with the pinned toolchain ('alc doctor', 'alc compile')."));
        }
        if (entries.Select(e => e.Kind).Distinct().Count() > 1)
            problems.Add(new("mixed-kinds", $"The arms mix model kinds ({string.Join(", ", entries.Select(e => $"{e.Name}: {e.Kind}"))}).",
                "Compare LLMs with LLMs and embedding models with embedding models."));

        var llms = entries.Where(e => e.Kind == ModelEntry.KindLlm).ToList();
        // Without every arm (or with one already refused) the link proof would prove nothing about the experiment.
        if (!linkProof || llms.Count == 0 || problems.Any(p => p.Code is "mixed-kinds" or "missing-model" or "unverified"))
            return new AbValidation(experiment, problems, null, []);

        var inputs = new List<VerifyInput>();
        foreach (var e in llms)
        {
            var (input, problem) = Library(e, distDirectory);
            if (problem is not null) problems.Add(problem);
            else inputs.Add(input!);
        }
        if (inputs.Count != llms.Count) return new AbValidation(experiment, problems, null, inputs.Select(i => i.Display).ToList());

        var abi = llms.Select(e => e.Toolchain.AbiProfile).Distinct().ToList();
        if (abi.Count > 1)
        {
            problems.Add(new("abi-mismatch", $"The arms were built for different runtimes ({string.Join(", ", llms.Select(e => $"{e.Name}: {e.Toolchain.AbiProfile}"))}).",
                "Build every arm with the same toolchain lock, so one runtime loads them all."));
            return new AbValidation(experiment, problems, null, inputs.Select(i => i.Display).ToList());
        }
        var result = Verifier.Verify(inputs, [], new VerifyOptions().WithTarget(Target).WithAbi(abi[0] ?? Abi.AbiCatalog.DefaultProfile).WithBundle());
        foreach (var p in result.AllProblems.Where(p => p.Severity == Severity.Error))
            problems.Add(new("link-" + p.Code, p.Message, p.Fix, p.Symbol));
        foreach (var (e, lib) in llms.Zip(result.Libraries))
        {
            if (lib.ModelLib is { } found && found != e.Model.ModelLib)
                problems.Add(new("model-lib", $"{e.Name} is registered with model_lib '{e.Model.ModelLib}', but its library defines '{found}'.",
                    "Re-register the model from its build; the app would look up the wrong system library."));
            // Strict: a registered arm whose library carries no metadata cannot be proven to be the build its entry describes.
            foreach (var p in RegistryMetadataProof.Check(lib, e, registry.ModelPath(e.Name), strict: true))
                problems.Add(new(p.Code, p.Message, p.Fix));
        }
        return new AbValidation(experiment, problems, result, inputs.Select(i => i.Display).ToList());
    }

    /// <summary>
    /// The model library of an entry on this machine: its model folder when the registered <c>.ADco</c> files are there
    /// (weights and configs in it are skipped by the reader), else its <c>.ALM</c>. Either must still be the registered bytes.
    /// </summary>
    private static (VerifyInput? Input, AbProblem? Problem) Library(ModelEntry e, string dist)
    {
        var libs = e.Artifacts.Where(a => a.Role is ArtifactRole.HostLibrary or ArtifactRole.DeviceLibrary).ToList();
        var package = e.ArtifactWithRole(ArtifactRole.Package);
        string Full(EntryArtifact a) => Path.Combine(dist, a.Path.Replace('/', Path.DirectorySeparatorChar));

        if (libs.Count > 0 && libs.All(a => File.Exists(Full(a))))
        {
            foreach (var a in libs)
            {
                var d = FileHasher.HashFile(Full(a));
                if (d.Sha256 != a.Sha256)
                    return (null, new("changed-artifact", $"{Full(a)} is not the file registered for {e.Name} (sha256 {d.Sha256[..12]}…, registered {a.Sha256[..12]}…).",
                        $"Re-register the current build of {e.Name}, or put the registered build back into {dist}."));
            }
            var folder = Path.GetDirectoryName(Full(libs[0]))!;
            return (new VerifyInput(folder, $"{e.Name} ({Path.GetRelativePath(dist, folder).Replace('\\', '/')})"), null);
        }
        if (package is not null && File.Exists(Full(package)))
        {
            var d = FileHasher.HashFile(Full(package));
            if (d.Sha256 != package.Sha256)
                return (null, new("changed-artifact", $"{Full(package)} is not the package registered for {e.Name}.",
                    $"Re-register the current build of {e.Name}, or download the registered one{(package.ReleaseUrl is null ? "" : $" from {package.ReleaseUrl}")}."));
            return (new VerifyInput(Full(package), $"{e.Name} ({package.Path})"), null);
        }
        var looked = libs.Select(Full).Concat(package is null ? [] : [Full(package)]);
        return (null, new("library-missing", $"The model library of {e.Name} is not on this machine (looked for {string.Join(", ", looked)}).",
            $"Build it ('alc compile') or download its .ALM{(package?.ReleaseUrl is { } u ? $" ({u})" : "")} into {dist}, or pass the folder that holds it as the dist folder{Remedy.Of(UserInput.DistFolder)}."));
    }
}
