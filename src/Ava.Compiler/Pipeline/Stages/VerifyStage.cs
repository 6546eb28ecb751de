using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Pipeline.Stages;

/// <summary>
/// Proves the compiled library links against AVA's TVM v0.22.0 runtime with the verification core (the same one
/// <c>alc verify</c> uses): new FFI symbols only, the expected system-lib prefix, AArch64 objects, and — when AVA's
/// libtvm_runtime.so is configured — every TVM import exported by it. A rejected library stops the build here (exit 1)
/// with the US-2 message, before anything is packaged; the report is kept in the build folder either way.
/// </summary>
public sealed class VerifyStage(LlmBuild build) : IStage
{
    public const string StageName = "verify";
    public const string Target = "android-arm64";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [CompileStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1).Add("target", Target).Add("abi", build.Lock.AbiProfile).Add("model-lib", build.ModelLib);
        if (build.AvaRuntimeLibrary is { } runtime) key.AddFile("runtime", runtime, context.HashCache);
    }

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var tar = Path.Combine(context.OutputOf(CompileStage.StageName), context.DataOf(CompileStage.StageName)["tar"]!.GetValue<string>());
        var options = new VerifyOptions().WithTarget(Target).WithAbi(build.Lock.AbiProfile)
            .WithRuntimes(build.AvaRuntimeLibrary is { } r ? [r] : []);
        var result = Verifier.Verify([tar], options, context.Reporter);

        // The report lands in the build folder even when the stage fails (its output folder is discarded then).
        VerificationReport.Write(result, context.Folder.Root);
        VerificationReport.Write(result, context.OutputDirectory);

        var library = result.Libraries.Single();
        if (!result.Ok)
        {
            // A rejected library must never be reused: drop the compile output so a rerun with a fixed toolchain
            // compiles again (its key cannot see which Python packages produced it). The weights are kept.
            IO.AtomicDirectory.TryDeleteTree(context.OutputOf(CompileStage.StageName));
            var errors = result.AllProblems.Where(p => p.Severity == Severity.Error).ToList();
            throw new VerificationFailedException(
                string.Join(" ", errors.Select(p => p.Message).Distinct()),
                $"{errors.Select(p => p.Fix).Distinct().FirstOrDefault() ?? "Use the pinned toolchain."} Nothing was packaged. Report: {Path.Combine(context.Folder.Root, "verification-report.md")}");
        }
        if (library.ModelLib != build.ModelLib)
            throw new VerificationFailedException(
                $"The compiled library's model_lib is '{library.ModelLib ?? "(none)"}', but alc asked MLC for '{build.ModelLib}' (--system-lib-prefix {build.SystemLibPrefix}).",
                "MLC honours an explicit prefix only with --device android; check that the MLC-LLM checkout is the pinned commit ('alc doctor').");

        return Task.FromResult(new StageOutcome($"accepted: {library.Generation}, model_lib {library.ModelLib}" + (build.AvaRuntimeLibrary is null ? " (runtime proof against the ABI profile; set the AVA runtime path for the proof against libtvm_runtime.so)" : ", runtime proof against " + build.AvaRuntimeLibrary),
            new JsonObject
            {
                ["verdict"] = "accepted",
                ["generation"] = library.Generation,
                ["abi"] = result.Abi,
                ["runtime"] = result.Runtime,
                ["runtimeSources"] = new JsonArray(result.RuntimeSources.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["modelLib"] = library.ModelLib,
                ["objects"] = library.Objects.Count,
                ["warnings"] = result.AllProblems.Count(p => p.Severity == Severity.Warning),
            }));
    }
}
