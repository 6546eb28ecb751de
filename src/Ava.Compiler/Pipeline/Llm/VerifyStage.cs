using Ava.Compiler.Packaging;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Verification;
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
/// same build elsewhere writes the same bytes.
/// </summary>
public sealed class VerifyStage(LlmBuild build) : IStage<LlmVerificationSummary>
{
    public const string StageName = "verify";

    public static readonly StageResult<LlmVerificationSummary> Output = new(StageName, LlmJsonContext.Default.LlmVerificationSummary);

    public StageResult<LlmVerificationSummary> Result => Output;
    public const string Target = "android-arm64";

    /// <summary>How compile users give the runtime, for messages.</summary>
    public const UserInput RuntimeInput = UserInput.Runtime;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [CompileStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 3).Add("target", Target).Add("abi", build.Lock.AbiProfile).Add("model-lib", build.ModelLib);
        // Every file of the runtime set (a folder's members, DT_NEEDED finds), so adding libtvm_ffi.so reruns verify.
        if (build.AvaRuntime.Count > 0)
            foreach (var m in RuntimeSet.Load(build.AvaRuntimeInputs, new Abi.AbiCatalog(), RuntimeInput).Members)
                key.AddFile("runtime/" + m.Display, m.Path, context.HashCache);
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

        var result = Verifier.Verify([library], runtimes, options, context.Reporter);
        result = link.Setup is null
            ? result with { Link = new LinkResult { Performed = false, Note = link.SkipReason! } }
            : await LinkProof.RunAsync(result, [library], runtimes, link.Setup, options, context.Reporter, context.CancellationToken);
        if (result.Link is { Performed: true } performed)
            result = result with { Link = performed with { Linker = link.LinkerDisplay, SystemLibs = link.SystemLibsDisplay } };

        // The report lands in the build folder even when the stage fails (its output folder is discarded then).
        VerificationReport.Write(result, context.Folder.Root);
        VerificationReport.Write(result, context.OutputDirectory);

        var checkedLibrary = result.Libraries.Single();
        if (!result.Ok)
        {
            // A rejected library must never be reused: drop the compile output so a rerun with a fixed toolchain
            // compiles again (its key cannot see which Python packages produced it). The weights are kept.
            IO.AtomicDirectory.TryDeleteTree(context.OutputOf(CompileStage.StageName));
            var errors = result.AllProblems.Where(p => p.Severity == Severity.Error).ToList();
            throw new VerificationFailedException(
                string.Join(" ", errors.Select(p => p.Message).Distinct()),
                $"{errors.Select(p => p.RawFix).Distinct().FirstOrDefault() ?? "Use the pinned toolchain."} Nothing was packaged. Report: {Path.Combine(context.Folder.Root, VerificationReport.MarkdownFileName)}");
        }
        if (checkedLibrary.ModelLib != build.ModelLib)
            throw new VerificationFailedException(
                $"The compiled library's model_lib is '{checkedLibrary.ModelLib ?? "(none)"}', but alc asked MLC for '{build.ModelLib}' (--system-lib-prefix {build.SystemLibPrefix}).",
                "MLC honours an explicit prefix only with --device android; check that the MLC-LLM checkout is the pinned commit ('alc doctor').");

        var names = build.AvaRuntime.Count == 0
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
        return new StageOutcome<LlmVerificationSummary>($"accepted: {checkedLibrary.Generation}, model_lib {checkedLibrary.ModelLib}; {names}; {linked}",
            new LlmVerificationSummary("accepted", checkedLibrary.Generation, result.Abi, result.Runtime, result.RuntimeSources, result.SystemLibs,
                checkedLibrary.ModelLib, checkedLibrary.Objects.Count, result.AllProblems.Count(p => p.Severity == Severity.Warning),
                new LinkProofSummary(result.Link.Performed, result.Link.Linked, result.Link.Linker, link.NdkRevision, result.Link.Note)));
    }
}
