using System.Diagnostics;
using System.Text.Json.Nodes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Planning;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// The LLM compile: resolve → fetch → convert → configure → compile → verify → package → register on the generic
/// <see cref="StageEngine"/>, then publishing to dist/ and the compile report.
/// </summary>
public sealed class LlmPipeline
{
    public LlmPipeline(LlmBuild build)
    {
        Build = build;
        Convert = new ConvertStage(build);
        Configure = new ConfigureStage(build);
        Compile = new CompileStage(build);
        Stages =
        [
            new ResolveStage(build),
            new FetchStage(build),
            Convert,
            Configure,
            Compile,
            new VerifyStage(build),
            new PackageStage(build),
            new RegisterStage(build),
        ];
        Engine = new StageEngine(Stages);
        Folder = new BuildFolder(build.BuildDirectory);
    }

    public LlmBuild Build { get; }

    public IReadOnlyList<IStage> Stages { get; }

    /// <summary>The stages whose commands the plan shows.</summary>
    public ConvertStage Convert { get; }

    public ConfigureStage Configure { get; }

    public CompileStage Compile { get; }

    public StageEngine Engine { get; }

    public BuildFolder Folder { get; }

    /// <summary>The dry run: every stage's key, whether it is up to date, and the exact commands with the environment.</summary>
    public BuildPlanView Plan()
    {
        var cache = File.Exists(Folder.HashCachePath) ? HashCache.Open(Folder.HashCachePath) : new HashCache();
        var status = Engine.Status(Folder, cache);
        var model = Build.SourceDirectory ?? "$FETCH/modelDirectory";
        MemoryPlan? memory = Build.SourceDirectory is { } dir ? Configure.Plan(dir) : null;
        string StageDir(string name) => Folder.StageDirectory(name);
        var commands = new Dictionary<string, string>
        {
            [ConvertStage.StageName] = Convert.Command(model, StageDir(ConvertStage.StageName)).Display,
            [ConfigureStage.StageName] = memory is null
                ? Configure.Command(model, StageDir(ConfigureStage.StageName),
                    new MemoryPlan
                    {
                        ContextWindowSize = Build.ContextWindowSize ?? 0, PassContextWindow = Build.ContextWindowSize is not null,
                        PrefillChunkSize = Build.PrefillChunkSize ?? MemoryPlanner.DefaultPrefillChunk, Parameters = 0, BitsPerWeight = 0,
                        WeightBytes = 0, KvCacheBytes = 0, KvCacheSlidingBytes = 0, TemporaryBytes = 0, BudgetBytes = 0,
                    }).Display + "   # the context is planned from config.json once it is fetched"
                : Configure.Command(model, StageDir(ConfigureStage.StageName), memory).Display,
            [CompileStage.StageName] = Compile.Command(StageDir(ConfigureStage.StageName), StageDir(CompileStage.StageName)).Display,
        };
        return new BuildPlanView(
            Build.Name.Value, Build.Recipe.Name, Build.Quantization, Build.SystemLibPrefix, Build.BuildDirectory, Build.DistModelDirectory, Build.DistPackagePath,
            status.Select(s => new PlannedStageView(s.Stage.Name, s.Stage.Key, s.UpToDate, s.Stage.DependsOn,
                commands.GetValueOrDefault(s.Stage.Name), s.Stage.Inputs.Select(i => $"{i.Name}={i.Value}").ToList())).ToList(),
            Build.Mlc.Environment.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!),
            memory);
    }

    public Task<CompileReport> RunAsync(IReporter reporter, CancellationToken cancellationToken) =>
        DiskGuard.MapAsync($"the build of {Build.Name.Value}", () => RunGuardedAsync(reporter, cancellationToken));

    private async Task<CompileReport> RunGuardedAsync(IReporter reporter, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var records = await Engine.RunAsync(Folder, reporter, cancellationToken);
        var byName = records.ToDictionary(r => r.Name);
        DiskGuard.RequireRoomToPublish(Build.DistDirectory, Build.RegistryDirectory, Build.BuildDirectory);
        var updated = DistPublisher.Publish(Build, byName[PackageStage.StageName]);
        reporter.Info(updated ? $"dist: wrote {Build.DistModelDirectory} and {Build.DistPackagePath}" : "dist: up to date");
        // Every run, after dist/ holds the files: a registry folder that was moved, emptied or edited gets the entry back.
        var registered = new Registrar(Build.RegistryDirectory).Register(RegisterStage.Output, records);
        reporter.Info($"registry: {registered.Path} ({registered.Change.ToString().ToLowerInvariant()})");

        var package = PackageStage.Output.Of(byName[PackageStage.StageName]);
        var report = new CompileReport
        {
            AvaName = Build.Name.Value,
            Recipe = Build.Recipe.Name,
            Quantization = Build.Quantization,
            ModelLib = Build.ModelLib,
            WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            Stages = records.Select(r => new StageReport(r.Name, r.Status, r.Key, r.Stamp.WallSeconds,
                r.Stamp.Tools.Select(t => t.PeakMemoryBytes).DefaultIfEmpty(0).Max(), r.Stamp.Summary, r.Stamp.Tools, Folder.LogPath(r.Name))).ToList(),
            Plan = ConfigureStage.Output.Of(byName[ConfigureStage.StageName]).Plan,
            Verification = VerifyStage.Output.Of(byName[VerifyStage.StageName]),
            Memory = PackageStage.Output.Of(byName[PackageStage.StageName]).Memory,
            Outputs = new CompileOutputs(Build.DistModelDirectory, Build.DistPackagePath,
                package.PackageBytes, package.PackageSha256 ?? "",
                registered.Path, Build.BuildDirectory,
                Path.Combine(Build.BuildDirectory, "compile-report.md")),
            DistUpdated = updated,
            Registered = registered,
        };
        var model = FetchStage.Output.Of(byName[FetchStage.StageName]).ModelDirectory;
        report.Write(Build.BuildDirectory,
        [
            (Build.BuildDirectory, "$BUILD"), (Build.DistDirectory, "$DIST"), (Build.RegistryDirectory, "$REGISTRY"), (model ?? "", "$MODEL"),
            // The interpreter's install path is the machine's, not the build's.
            (Path.IsPathRooted(Build.Mlc.Python) ? Build.Mlc.Python : "", "$PYTHON"),
        ]);
        return report;
    }
}

public sealed record BuildPlanView(string AvaName, string Recipe, string Quantization, string SystemLibPrefix, string BuildDirectory,
    string ModelDirectory, string Package, IReadOnlyList<PlannedStageView> Stages, IReadOnlyDictionary<string, string> Environment, MemoryPlan? MemoryPlan);

public sealed record PlannedStageView(string Name, string Key, bool UpToDate, IReadOnlyList<string> DependsOn, string? Command, IReadOnlyList<string> Inputs);
