using Ava.Compiler.Binary;
using Ava.Compiler.Packaging;

namespace Ava.Compiler.Verification;

/// <summary>
/// The checks of a library as a package, beside the symbol checks: tamper evidence against its
/// <c>alc-manifest.json</c> (<see cref="ManifestCheck"/>), members that are unsafe to unpack (<see cref="PackageSafety"/>),
/// and a package with no manifest at all, which cannot be checked: a warning, or an error with
/// <see cref="VerifyOptions.Strict"/>.
/// </summary>
internal static class PackageChecks
{
    /// <summary>File names only a model package holds (MLC's chat config and weight index); an <c>.ALM</c>/<c>.AON</c> name says so too.</summary>
    private static readonly HashSet<string> PackageMarkers = new(StringComparer.Ordinal)
        { "mlc-chat-config.json", "tensor-cache.json", "ndarray-cache.json" };

    public static List<Problem> Run(VerifyInput lib, IReadOnlyList<ArtifactEntry> entries, VerifyOptions options)
    {
        var problems = new List<Problem>();
        problems.AddRange(ManifestCheck.Run(lib.Path, lib.Display, out var hasManifest));
        problems.AddRange(PackageSafety.Run(lib.Path, lib.Display));
        if (!hasManifest && IsPackage(lib, entries))
            problems.Add(Unverifiable(lib.Display, options.Strict));
        return problems;
    }

    private static bool IsPackage(VerifyInput lib, IReadOnlyList<ArtifactEntry> entries)
    {
        if (Directory.Exists(lib.Path) || !PackageSafety.IsTar(lib.Path)) return false;
        var ext = Path.GetExtension(lib.Path);
        return ext.Equals(".alm", StringComparison.OrdinalIgnoreCase) || ext.Equals(".aon", StringComparison.OrdinalIgnoreCase)
               || entries.Any(e => PackageMarkers.Contains(DisplayPath.FileName(e.Path)));
    }

    private static Problem Unverifiable(string display, bool strict) => new()
    {
        Severity = strict ? Severity.Error : Severity.Warning,
        Code = "unverifiable-package",
        Message = $"{display} has no {PackageManifest.FileName}: its files (weights, tokenizer, configs) cannot be checked against what was built, so tampering would go unnoticed{(strict ? "; refused (strict)" : "")}.",
        Where = [display],
        Proof = ManifestCheck.ProofName,
        Fix = "Use the package as 'alc compile' wrote it (it always carries alc-manifest.json), or rebuild it; strict verification (the default in the Action and the compile pipeline) refuses packages without one.",
    };
}
