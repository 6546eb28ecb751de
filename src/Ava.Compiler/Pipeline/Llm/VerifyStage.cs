using Ava.Compiler.Packaging;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.AppChain;
using Ava.Compiler.Verification.Linking;
using Ava.Compiler.Verification.Runtime;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Proves the compiled library links against AVA's TVM v0.22.0 runtime with the verification core (the same one
/// <c>alc verify</c> uses): new FFI symbols only, the expected system-lib prefix, AArch64 objects, and — when AVA's
/// runtime is configured (a set: libtvm_runtime.so + libtvm_ffi.so, the app's jniLibs folder, or a packed library) —
/// every TVM import exported by its files together. With an Android NDK configured as well, the
/// NDK's ld.lld then links the objects the way the app build does (<see cref="LinkProof"/>). A rejected library stops
/// the build here (exit 1) with the US-2 message, before anything is packaged; the report is kept in the build folder
/// either way. Reports name files relative to the build folder, the runtime by file name and the NDK as $NDK, so the
/// same build elsewhere writes the same bytes. With the app configured (<see cref="LlmBuild.AvaApp"/>) it also proves
/// the runtime stack the app loads (<see cref="AppChainVerifier"/>: tvm4j jar → JNI bridge → runtime → this library); a
/// broken chain stops the build the same way, and without an app the summary says the chain was not checked.
/// </summary>
public sealed class VerifyStage(LlmBuild build) : IStage<LlmVerificationSummary>
{
    public const string StageName = "verify";

    public static readonly StageResult<LlmVerificationSummary> Output = new(StageName, LlmJsonContext.Default.LlmVerificationSummary);

    public StageResult<LlmVerificationSummary> Result => Output;
    public const string Target = "android-arm64";

    /// <summary>How compile users give the runtime, for messages.</summary>
    public const UserInput RuntimeInput = UserInput.Runtime;

    /// <summary>What the summary and report say when no app is configured.</summary>
    public const string AppNotChecked =
        "The app's runtime chain (tvm4j jar → JNI bridge → runtime → this library) was not checked: no app is configured. " +
        "Give the compile its jniLibs/arm64-v8a/ folder and tvm4j jar, an .aar or a built .apk as the app (or set ALC_AVA_APP, or avaApp in alc.toolchain.json).";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [CompileStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 4).Add("target", Target).Add("abi", build.Lock.AbiProfile).Add("model-lib", build.ModelLib);
        // Every file of the runtime set (a folder's members, DT_NEEDED finds), so adding libtvm_ffi.so reruns verify.
        if (build.AvaRuntime.Count > 0)
            foreach (var m in RuntimeSet.Load(build.AvaRuntimeInputs, new Abi.AbiCatalog(), RuntimeInput).Members)
                key.AddFile("runtime/" + m.Display, m.Path, context.HashCache);
        // Every file of the app (a folder's members, the jar/.aar/.apk), so a rebuilt libtvm4j.so reruns verify.
        foreach (var app in build.AvaAppInputs)
        {
            if (Directory.Exists(app.Path))
                foreach (var f in Directory.EnumerateFiles(app.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    key.AddFile("app/" + app.Display + "/" + Path.GetRelativePath(app.Path, f).Replace('\\', '/'), f, context.HashCache);
            else key.Add("app/" + app.Display, File.Exists(app.Path) ? context.HashCache.Get(app.Path).XxHash128 : "missing");
        }
        PipelineLinkProof.For(build).AddTo(key, context.HashCache);
    }

    public async Task<StageOutcome<LlmVerificationSummary>> RunAsync(StageContext context)
    {
        var tar = CompileStage.TarOf(context);
        var library = new VerifyInput(tar, $"{CompileStage.StageName}/{Path.GetFileName(tar)}");
        var runtimes = build.AvaRuntimeInputs;
        var link = PipelineLinkProof.For(build);
        var options = new VerifyOptions().WithStrict().WithTarget(Target).WithAbi(build.Lock.AbiProfile).WithSystemLibs(link.Setup?.SystemLibs)
            .WithRuntimeInput(RuntimeInput);

        var app = build.AvaAppInputs;
        VerificationResult result;
        if (app.Count > 0 && runtimes.Count == 0)
        {
            // The app's own runtime files are AVA's runtime: the chain proof checks (and with an NDK, links) the library against them.
            result = await AppChainVerifier.VerifyAsync([library], app, options, link.Setup, context.Reporter, context.CancellationToken);
        }
        else
        {
            result = Verifier.Verify([library], runtimes, options, context.Reporter);
            if (link.Setup is not null)
                result = await LinkProof.RunAsync(result, [library], runtimes, link.Setup, options, context.Reporter, context.CancellationToken);
            if (app.Count > 0)
            {
                // Both given: the library is proven against --ava-runtime as before, and the app's chain on its own files.
                var chain = await AppChainVerifier.VerifyAsync([library], app, options, null, context.Reporter, context.CancellationToken);
                result = result with { App = chain.App, Verdict = result.Ok && chain.Ok ? Verdict.Accepted : Verdict.Rejected };
            }
        }
        result = result.Link is null
            ? result with { Link = new LinkResult { Performed = false, Note = link.SkipReason! } }
            : result;
        if (result.Link is { Performed: true } performed)
            result = result with { Link = performed with { Linker = link.LinkerDisplay, SystemLibs = link.SystemLibsDisplay } };

        // The report lands in the build folder even when the stage fails (its output folder is discarded then).
        VerificationReport.Write(result, context.Folder.Root);
        VerificationReport.Write(result, context.OutputDirectory);

        var checkedLibrary = result.Libraries.Single();
        if (result.App is { Ok: false } brokenChain)
            foreach (var line in AppChainSummary.Lines(brokenChain, result.Target)) context.Reporter.Info(line);
        if (!result.Ok)
        {
            // A rejected library must never be reused: drop the compile output so a rerun with a fixed toolchain
            // compiles again (its key cannot see which Python packages produced it). The weights are kept. A broken
            // app chain alone says nothing against the library, so it is kept for the rerun with the fixed app.
            if (checkedLibrary.Verdict == Verdict.Rejected)
                IO.AtomicDirectory.TryDeleteTree(context.OutputOf(CompileStage.StageName));
            // The app's chain leads when it is broken: its first broken link's reason is the error the app would throw
            // (for the spec's app: "The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal — …").
            var errors = (result.App?.Links.SelectMany(l => l.Problems) ?? []).Concat(result.AllProblems)
                .Where(p => p.Severity == Severity.Error).ToList();
            var messages = errors.Select(p => p.Message).Distinct().ToList();
            var problem = result.App?.Links.FirstOrDefault(l => l.Status != LinkStatus.Ok) is { } broken
                ? $"{broken.Reason} ({messages.Count} problem(s) in all: the chain above and the report.)"
                : string.Join(" ", messages);
            throw new VerificationFailedException(problem,
                $"{errors.Select(p => p.RawFix).Distinct().FirstOrDefault() ?? "Use the pinned toolchain."} Nothing was packaged. Report: {Path.Combine(context.Folder.Root, VerificationReport.MarkdownFileName)}")
            {
                ReportPath = Path.Combine(context.Folder.Root, VerificationReport.MarkdownFileName),
            };
        }
        if (checkedLibrary.ModelLib != build.ModelLib)
            throw new VerificationFailedException(
                $"The compiled library's model_lib is '{checkedLibrary.ModelLib ?? "(none)"}', but alc asked MLC for '{build.ModelLib}' (--system-lib-prefix {build.SystemLibPrefix}).",
                "MLC honours an explicit prefix only with --device android; check that the MLC-LLM checkout is the pinned commit ('alc doctor').");

        var names = build.AvaRuntime.Count == 0 && app.Count == 0
            ? "names checked against the ABI profile (configure AVA's runtime files for the proof against them)"
            : $"names checked against {string.Join(" + ", result.RuntimeSources)}";
        var linked = result.Link!.Performed
            ? $"linked with the NDK's ld.lld for {LinkerSetup.Triple}{LinkerSetup.ApiLevel}"
            : "link proof skipped: " + link.SkipCode switch
            {
                "no-ndk" => "no Android NDK configured",
                "no-runtime" => "no AVA runtime configured",
                _ => "the NDK has no usable ld.lld or sysroot",
            };
        var chainCheck = result.App is { } proven
            ? new AppChainCheck("proven", proven.Inputs, proven.Api.Label,
                proven.Links.Select(l => new AppChainLinkSummary(l.Kind, l.Status.ToString().ToLowerInvariant(), l.From, l.To, l.Reason)).ToList(), null)
            : new AppChainCheck("not-checked", [], null, [], AppNotChecked);
        var chainText = result.App is { } c
            ? $"app chain proven: {string.Join(" → ", new[] { c.Api.Generation is { } g ? $"tvm4j {g}" : "tvm4j" }.Concat(c.Links.Where(l => l.Kind != AppChainVerifier.RuntimeModelKind).Select(l => l.To)))} → model library"
            : "app chain not checked (no app given to the compile: give it, or set ALC_AVA_APP or avaApp in the toolchain config)";
        return new StageOutcome<LlmVerificationSummary>($"accepted: {checkedLibrary.Generation}, model_lib {checkedLibrary.ModelLib}; {names}; {linked}; {chainText}",
            new LlmVerificationSummary("accepted", checkedLibrary.Generation, result.Abi, result.Runtime, result.RuntimeSources, result.SystemLibs,
                checkedLibrary.ModelLib, checkedLibrary.Objects.Count, result.AllProblems.Count(p => p.Severity == Severity.Warning),
                new LinkProofSummary(result.Link.Performed, result.Link.Linked, result.Link.Linker, link.NdkRevision, result.Link.Note), chainCheck));
    }
}
