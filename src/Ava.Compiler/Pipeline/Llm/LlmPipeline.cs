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

    /// <summary>
    /// The dry run: where the weights come from, every stage's key, whether it is up to date and what it does (the exact
    /// commands with the environment), every file the build writes, and the memory plan when config.json is at hand.
    /// </summary>
    public BuildPlanView Plan()
    {
        var cache = File.Exists(Folder.HashCachePath) ? HashCache.Open(Folder.HashCachePath) : new HashCache();
        var status = Engine.Status(Folder, cache);
        var source = PlanSource.For(Build);
        var model = source.ModelDirectory ?? "$FETCH/modelDirectory";
        MemoryPlan? memory = source.ModelDirectory is { } dir ? Configure.Plan(dir) : null;
        string StageDir(string name) => Folder.StageDirectory(name);
        var tar = Path.Combine(StageDir(CompileStage.StageName), Compile.TarName);
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
        var name = Build.Name;
        var actions = new Dictionary<string, string>
        {
            [ResolveStage.StageName] = $"write build-plan.json: {Build.Recipe.Name} {Build.Quantization} as {name.Value}, model_lib {Build.ModelLib}, toolchain pins",
            [FetchStage.StageName] = source.Repo is null
                ? $"use the local model folder {source.ModelDirectory} in place (its content is the stage key)"
                : $"download {source.Display} ({string.Join(", ", source.Include)}) into the Hub cache {source.CacheDirectory}" +
                  (source.Commit is null ? "" : $"; commit {source.Commit} is already there"),
            [VerifyStage.StageName] = $"check {tar} as strict verification for {VerifyStage.Target} does: new FFI API only (TVMFFIFunctionCall), " +
                                      $"system-lib prefix {Build.SystemLibPrefix}, AArch64" +
                                      (Build.AvaRuntime.Count > 0 ? ", every import exported by AVA's runtime" : ""),
            [PackageStage.StageName] = $"lay out {name.Value}/ (lib0.o → {Naming.AvaName.RuntimeLibraryFile}, {Build.SystemLibPrefix}devc.o → {name.DeviceCodeFile}), prove it, write {name.PackageFile}",
            [RegisterStage.StageName] = $"write the registry entry models/{name.Value}.json",
        };
        return new BuildPlanView(
            name.Value, Build.Recipe.Name, Build.Quantization, Build.SystemLibPrefix, Build.BuildDirectory, Build.DistModelDirectory, Build.DistPackagePath,
            status.Select(s => new PlannedStageView(s.Stage.Name, s.Stage.Key, s.UpToDate, s.Stage.DependsOn,
                commands.GetValueOrDefault(s.Stage.Name), s.Stage.Inputs.Select(i => $"{i.Name}={i.Value}").ToList())
            {
                Action = commands.GetValueOrDefault(s.Stage.Name) ?? actions.GetValueOrDefault(s.Stage.Name) ?? "",
            }).ToList(),
            Build.Mlc.Environment.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!),
            memory)
        {
            Source = source,
            Files = Files(tar, source),
            ContextWindowSize = memory?.ContextWindowSize ?? Build.ContextWindowSize,
            PrefillChunkSize = memory?.PrefillChunkSize ?? Build.PrefillChunkSize ?? MemoryPlanner.DefaultPrefillChunk,
            DeviceMemoryMb = Build.Llm.DeviceMemoryMb,
        };
    }

    /// <summary>Every file the build leaves behind, under its AVA name (stage folders' intermediates aside from MLC's tar).</summary>
    private List<PlannedFile> Files(string tar, PlanSource source)
    {
        var name = Build.Name;
        var model = Build.DistModelDirectory;
        return
        [
            new(tar, CompileStage.StageName, "MLC's compiled library (lib0.o + " + Build.SystemLibPrefix + "devc.o)"),
            new(Path.Combine(model, Naming.AvaName.RuntimeLibraryFile), PackageStage.StageName, "lib0.o of the tar: the host code"),
            new(Path.Combine(model, name.DeviceCodeFile), PackageStage.StageName, Build.SystemLibPrefix + "devc.o of the tar: the device code"),
            new(Path.Combine(model, "mlc-chat-config.json"), ConfigureStage.StageName, "mlc_llm gen_config"),
            new(Path.Combine(model, "tensor-cache.json"), ConvertStage.StageName, "mlc_llm convert_weight"),
            new(Path.Combine(model, "params_shard_*.bin"), ConvertStage.StageName, "mlc_llm convert_weight: the quantized weights"),
            .. Tokenizer(model, source),
            new(Path.Combine(model, Packaging.PackageManifest.FileName), PackageStage.StageName, "every file's size, XxHash128 and SHA-256"),
            new(Build.DistPackagePath, PackageStage.StageName, "the package: the model folder as a deterministic tar"),
            new(Path.Combine(Build.RegistryDirectory, "models", name.Value + ".json"), RegisterStage.StageName, "the registry entry"),
            new(Path.Combine(Build.BuildDirectory, Verification.VerificationReport.MarkdownFileName), VerifyStage.StageName, "the verification report (also .json)"),
            new(Path.Combine(Build.BuildDirectory, "compile-report.md"), "report", "the compile report (also .json), written last"),
        ];
    }

    /// <summary>
    /// The tokenizer files gen_config copies: those of MLC's list the model has (known once the model folder is at hand),
    /// else the list itself.
    /// </summary>
    private static IEnumerable<PlannedFile> Tokenizer(string model, PlanSource source)
    {
        var names = source.ModelDirectory is { } dir
            ? PlanSource.MlcTokenizerFiles.Where(f => File.Exists(Path.Combine(dir, f))).ToList()
            : [$"{{{string.Join(",", PlanSource.MlcTokenizerFiles)}}}"];
        return names.Select(n => new PlannedFile(Path.Combine(model, n), ConfigureStage.StageName,
            source.ModelDirectory is null ? "those of these tokenizer files the model has, copied by gen_config" : "copied by gen_config"));
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
