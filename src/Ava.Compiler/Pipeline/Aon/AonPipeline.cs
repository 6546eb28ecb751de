using Ava.Compiler.Onnx;
using System.Text.Json.Nodes;
using Ava.Compiler.IO;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Pipeline.Aon;
using Ava.Compiler.Registry;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>The result of one `.AON` build.</summary>
public sealed record AonCompileResult(
    EmbeddingRecipe Recipe,
    IReadOnlyList<StageRecord> Stages,
    string ArtifactPath,
    IReadOnlyList<string> PublishedFiles,
    JsonObject Report,
    ValidationSummary Validation,
    string ReportMarkdown,
    RegisterResult Registered);

/// <summary>
/// The `.AON` path through the generic stage engine: aon-fetch → aon-quantize → aon-validate → aon-package → aon-register, then the
/// package is published into &lt;dist&gt;/models/ and the entry into the registry (registry/models/&lt;AVA name&gt;.json).
/// A failure in any stage (bad input, a failed gate) stops before publishing, so dist/ and the registry never hold a
/// partial or unverified model.
/// </summary>
public static class AonPipeline
{
    /// <summary>build/&lt;recipe&gt;/compile-report.json|md: the full report, with timings.</summary>
    public const string CompileReportName = "compile-report";

    public static IReadOnlyList<IStage> Stages(EmbeddingRecipe recipe, DateTimeOffset compiledAt,
        Func<HubFileSource, CancellationToken, Task<(string Model, string Vocab)>>? hubFetch = null) =>
    [
        new AonFetchStage(recipe.Source, hubFetch),
        new AonQuantizeStage(recipe.Quantization),
        new AonValidateStage(recipe.ValidationOptions),
        new AonPackageStage(recipe),
        new AonRegisterStage(recipe, compiledAt),
    ];

    /// <param name="folders">build/&lt;recipe id&gt; unless chosen, dist/ and the registry.</param>
    /// <param name="environment">SOURCE_DATE_EPOCH here fixes the recorded compile time.</param>
    public static async Task<AonCompileResult> RunAsync(EmbeddingRecipe recipe, CompileFolders folders, IReadOnlyDictionary<string, string> environment,
        IReporter reporter, Func<HubFileSource, CancellationToken, Task<(string Model, string Vocab)>>? hubFetch = null, CancellationToken cancellationToken = default)
    {
        reporter.Info($"{recipe.Id} → {recipe.AvaName}.AON from {recipe.Source.Describe()}");
        var (buildDirectory, distDirectory) = (folders.BuildFor(recipe.Id), folders.Dist);
        var engine = new StageEngine(Stages(recipe, RegistryEntries.CompiledAt(environment), hubFetch));
        var records = await DiskGuard.MapAsync($"the build of {recipe.AvaName}", () => engine.RunAsync(new BuildFolder(buildDirectory), reporter, cancellationToken));
        DiskGuard.RequireRoomToPublish(distDirectory, folders.Registry, buildDirectory);

        var package = records.Single(r => r.Name == AonPackageStage.StageName).Directory;
        var published = DistPublisher.PublishFiles(package, Path.Combine(distDirectory, "models"), AonPackageStage.ManifestName(recipe.AvaName));
        // Every run, after dist/ holds the files: a registry folder that was moved, emptied or edited gets the entry back.
        var registered = new Registrar(folders.Registry).Register(AonRegisterStage.Output, records);
        reporter.Info($"registry: {registered.Path} ({registered.Change.ToString().ToLowerInvariant()})");
        // The full report (latency, stage times) stays in the build folder; the packaged one has no timings.
        var validation = AonValidateStage.Output.Of(records);
        var report = AonReport.WithTimings(
            AonReport.Build(recipe.Id, recipe.AvaName, AonFetchStage.Output.Of(records), AonQuantizeStage.Output.Of(records), validation),
            records.Select(r => (r.Name, r.Status == StageStatus.Ran ? "ran" : "up to date", r.Stamp.WallSeconds)));
        var markdown = AonReport.Markdown(report);
        AtomicFile.WriteAllText(Path.Combine(buildDirectory, CompileReportName + ".json"), report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(buildDirectory, CompileReportName + ".md"), markdown);
        return new AonCompileResult(recipe, records,
            Path.Combine(Path.GetFullPath(distDirectory), "models", AonPackageStage.ArtifactName(recipe.AvaName)),
            published, report, validation, markdown, registered);
    }
}
