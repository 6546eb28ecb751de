using Ava.Action.Runner;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.AppChain;

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

    /// <param name="app">The 'app' input resolved against the working directory: when given, the libraries are proven against the app's own runtime and its chain (tvm4j jar → JNI bridge → runtime → each library) is proven with them.</param>
    /// <returns>The result, or null when there was no library to check.</returns>
    public static async Task<VerificationResult?> RunAsync(IReadOnlyList<string> artifacts, IReadOnlyList<string> app, string root, ActionCore core, IReporter reporter, CancellationToken ct)
    {
        static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
        var libraries = artifacts.Where(IsLibrary).Select(a => new VerifyInput(a, Relative(root, a))).ToList();
        if (libraries.Count == 0) return null;
        var options = new VerifyOptions().WithStrict();
        var result = app.Count == 0
            ? Verifier.Verify(libraries, [], options, reporter)
            : await AppChainVerifier.VerifyAsync(libraries, app.Select(a => new VerifyInput(a, Relative(root, a))).ToList(), options, null, reporter, ct);
        // One annotation per diagnostic and file, in the console's shape: the headline first (a search of the log for
        // the US-2 sentence finds it), then the notes, then the fix once per library.
        var chainProblems = result.App?.Links.SelectMany(l => l.Problems).ToList() ?? [];
        foreach (var problems in result.Libraries.Select(l => l.Problems).Prepend(result.Problems).Append(chainProblems))
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

    /// <summary>
    /// The run's one error. A broken app chain leads (as in the compile's verify stage): its first broken link's reason is
    /// the error the app would throw, e.g. the spec's "The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — …",
    /// even when the libraries were rejected too (against a runtime the bridge carries, the library is not what to rebuild).
    /// </summary>
    public static VerificationFailedException Rejected(VerificationResult result)
    {
        var rejected = result.Libraries.Count(l => l.Verdict == Verdict.Rejected);
        var libraries = $"{rejected} of {result.Libraries.Count} model librar{(result.Libraries.Count == 1 ? "y was" : "ies were")} rejected for {result.Target}";
        var count = $"{result.ErrorCount} error(s) in all; annotations mark each file";
        if (result.App is { Ok: false } chain && chain.Links.FirstOrDefault(l => l.Status != LinkStatus.Ok) is { } broken)
            return new($"{broken.Reason} ({(rejected > 0 ? libraries + " against the app's runtime; " : "")}{count}.) Nothing was published.",
                "The summary shows the app's runtime chain link by link; fix the app's libraries or jar (or the 'app' input).");
        return new($"{libraries} ({count}). Nothing was published.",
            "Rebuild with the pinned TVM v0.22.0 toolchain ('alc doctor' checks it); the summary lists each problem with its fix.");
    }
}
