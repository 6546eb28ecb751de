using Ava.Action.Runner;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Verification;

namespace Ava.Action;

/// <summary>
/// Proves the model libraries among the artifacts link against AVA's runtime before anything is published (the verify
/// core, as <c>alc verify</c>), and turns each error into a ::error file=… annotation on the rejected file.
/// </summary>
public static class LibraryVerification
{
    // .AON files are ONNX models, validated by their own stage; everything else here may hold TVM objects.
    private static readonly string[] LibraryExtensions = [".alm", ".adco", ".tar", ".a", ".o", ".so"];

    public static bool IsLibrary(string path) => LibraryExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <returns>The result, or null when there was no library to check.</returns>
    public static VerificationResult? Run(IReadOnlyList<string> artifacts, string root, ActionCore core, IReporter reporter)
    {
        var libraries = artifacts.Where(IsLibrary).Select(a => new VerifyInput(a, Path.GetRelativePath(root, a).Replace('\\', '/'))).ToList();
        if (libraries.Count == 0) return null;
        var result = Verifier.Verify(libraries, [], new VerifyOptions().WithStrict(), reporter);
        // One annotation per diagnostic and file, in the console's shape: the headline first (a search of the log for
        // the US-2 sentence finds it), then the notes, then the fix once per library.
        foreach (var problems in result.Libraries.Select(l => l.Problems).Prepend(result.Problems))
        foreach (var d in Diagnostics.Of(problems).Where(d => d.Severity != Severity.Note))
        {
            var files = d.Where.Select(w => DisplayPath.Outer(w)).Distinct().DefaultIfEmpty(null);
            foreach (var file in files)
            {
                var props = new AnnotationProperties { Title = d.Symbol is { } s ? $"{d.Code}: {s}" : d.Code, File = file };
                var text = string.Join("\n", new[] { d.Headline }.Concat(d.Notes.Select(n => "= note: " + n))
                    .Concat(d.Help is { } h ? ["= help: " + Remedy.Render(h, ActionInputWords.Spell)] : []));
                if (d.Severity == Severity.Error) core.Error(text, props);
                else core.Warning(text, props);
            }
        }
        return result;
    }

    public static VerificationFailedException Rejected(VerificationResult result) => new(
        $"{result.Libraries.Count(l => l.Verdict == Verdict.Rejected)} of {result.Libraries.Count} model librar{(result.Libraries.Count == 1 ? "y was" : "ies were")} rejected " +
        $"for {result.Target} ({result.ErrorCount} error(s); annotations mark each file). Nothing was published.",
        "Rebuild with the pinned TVM v0.22.0 toolchain ('alc doctor' checks it); the summary lists each problem with its fix.");
}
