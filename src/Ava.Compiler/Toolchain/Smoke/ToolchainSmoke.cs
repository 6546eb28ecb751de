using System.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Processes;
using Ava.Compiler.Recipes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Toolchain.Doctor;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// <c>alc doctor --smoke</c>: proves a toolchain by compiling a tiny Gemma 3 text model (<see cref="TinyGemmaModel"/>)
/// with it, end to end, in a private temp folder. It runs the pipeline's own stages — fetch (the local folder), convert
/// (<c>mlc_llm convert_weight</c>), configure (<c>gen_config</c>), compile (<c>compile --device android</c>) and verify
/// (the <c>alc verify</c> core, plus the link proof when an NDK and AVA's runtime are configured) — so the command lines,
/// environment and checks are exactly those of <c>alc compile</c>. Nothing is downloaded; a cached Gemma tokenizer is
/// used when there is one. A failing step is turned into its fault and fix (<see cref="SmokeDiagnosis"/>); the result
/// is cached under the toolchain's key (<see cref="ToolchainKey"/>).
/// </summary>
public static class ToolchainSmoke
{
    /// <summary>The recipe the smoke model is built with: the shape of recipes/gemma3-1b.yml (gemma3_text, q4f16_1).</summary>
    public static Recipe Recipe { get; } = new()
    {
        Name = "smoke",
        Kind = Recipe.KindLlm,
        Description = "the toolchain smoke test: a 2-layer Gemma 3 text model with random weights",
        Code = "SMK",
        Size = "1M",
        Source = new RecipeSource("google/gemma-3-1b-it", "main"),
        Llm = new LlmRecipe
        {
            ModelType = TinyGemmaModel.ModelType,
            ConvTemplate = "gemma3_instruction",
            Quantization = "q4f16_1",
            Quantizations = ["q4f16_1"],
            DeviceMemoryMb = 3072,
            Overrides = new LlmOverrides { PrefillChunkSize = 256 },
        },
    };

    /// <summary>The MLC subcommand each stage runs, for messages.</summary>
    private static readonly IReadOnlyDictionary<string, string> StepNames = new Dictionary<string, string>
    {
        [ConvertStage.StageName] = "convert_weight",
        [ConfigureStage.StageName] = "gen_config",
        [CompileStage.StageName] = "compile",
        [VerifyStage.StageName] = "verify",
        [FetchStage.StageName] = "fetch",
    };

    public static string KeyFor(ToolchainLocations locations, DoctorOptions options) =>
        ToolchainKey.For(locations, options.Lock, options.Host, options.Environment);

    /// <param name="tokenizerSource">The Hub repo whose cached tokenizer to use (the recipe being compiled); its files are
    /// read from the Hugging Face cache only, never downloaded. Null: google/gemma-3-1b-it's, if cached.</param>
    public static async Task<SmokeResult> RunAsync(ToolchainLocations locations, DoctorOptions options, RecipeSource? tokenizerSource,
        IReporter reporter, CancellationToken cancellationToken)
    {
        var key = KeyFor(locations, options);
        var cache = SmokeCache.For(options.Environment);
        var ranAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var work = Path.Combine(Path.GetTempPath(), $"alc-smoke-{Guid.NewGuid():N}");
        try
        {
            var tokenizer = TinyGemmaModel.Create(Path.Combine(work, "model"), CachedSnapshot(tokenizerSource ?? Recipe.Source, options.Environment));
            reporter.Info($"smoke: tiny Gemma 3 model ({TinyGemmaModel.Layers} layers, hidden {TinyGemmaModel.Hidden}, bf16), tokenizer: {tokenizer}");
            var build = LlmBuild.Create(Recipe, locations, options.Environment,
                CompileFolders.For(work, options.Environment).WithBuild(Path.Combine(work, "build")).WithDist(Path.Combine(work, "dist")).WithRegistry(Path.Combine(work, "registry")),
                new LlmBuildOverrides { SourceDirectory = Path.Combine(work, "model") }, options.Lock);
            var engine = new StageEngine([new FetchStage(build), new ConvertStage(build), new ConfigureStage(build), new CompileStage(build), new VerifyStage(build)]);
            var folder = new BuildFolder(build.BuildDirectory);

            var result = new SmokeResult { ToolchainKey = key, Status = SmokeStatus.Passed, RanAt = ranAt, Seconds = 0, Tokenizer = tokenizer };
            try
            {
                var records = await engine.RunAsync(folder, reporter, cancellationToken);
                var verify = records.Single(r => r.Name == VerifyStage.StageName).Stamp.Data!;
                result = result with
                {
                    Steps = records.Where(r => r.Name != FetchStage.StageName).Select(r => new SmokeStep(StepNames[r.Name], Math.Round(r.Stamp.WallSeconds, 2))).ToList(),
                    Generation = verify["generation"]?.GetValue<string>(),
                    ModelLib = verify["modelLib"]?.GetValue<string>(),
                    LinkProof = verify["linkProof"]?["performed"]?.GetValue<bool>() == true
                        ? $"linked with {verify["linkProof"]?["linker"]?.GetValue<string>()}"
                        : "skipped: " + verify["linkProof"]?["note"]?.GetValue<string>(),
                };
            }
            catch (ExternalToolException e)
            {
                result = Failed(result, SmokeStatus.ToolchainBroken, StageOf(e.LogPath, folder), e.LogPath, null, null, locations, options, cache, key);
            }
            catch (ToolchainMissingException e) when (e.InnerException is ExternalToolException tool)
            {
                // A Python module MLC imports is missing (the pipeline says so as a toolchain problem).
                result = Failed(result, SmokeStatus.ToolchainBroken, StageOf(tool.LogPath, folder), tool.LogPath, null, null, locations, options, cache, key);
            }
            catch (ToolchainMissingException e)
            {
                // The interpreter could not be started at all.
                result = result with { Status = SmokeStatus.ToolchainBroken, Step = "convert_weight", Fault = e.Problem, Fix = e.RawFix };
            }
            catch (VerificationFailedException e)
            {
                result = Failed(result, SmokeStatus.LibraryRejected, VerifyStage.StageName, null,
                    $"the library the toolchain compiled is rejected: {e.Problem}", e.RawFix, locations, options, cache, key);
            }
            result = result with { Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
            cache.Save(result);
            return result;
        }
        finally
        {
            IO.AtomicDirectory.TryDeleteTree(work);
        }
    }

    /// <summary>
    /// The gate <c>alc compile</c> (and the Action) runs before its first download: the cached result when the smoke test
    /// already passed for this toolchain's key, otherwise a fresh run; a failure throws (exit 3, or 1 for a rejected
    /// library) with the fault and its fix.
    /// </summary>
    public static async Task<(SmokeResult Result, bool Cached)> EnsurePassedAsync(ToolchainLocations locations, DoctorOptions options,
        RecipeSource? tokenizerSource, IReporter reporter, CancellationToken cancellationToken)
    {
        if (Cached(locations, options) is { Passed: true } cached)
        {
            reporter.Info($"smoke: {cached.Summary(cached: true)}");
            return (cached, true);
        }
        var result = await RunAsync(locations, options, tokenizerSource, reporter, cancellationToken);
        result.ThrowIfFailed();
        reporter.Info($"smoke: {result.Summary(cached: false)}");
        return (result, false);
    }

    /// <summary>The cached result for this toolchain, if a smoke test ran for it.</summary>
    public static SmokeResult? Cached(ToolchainLocations locations, DoctorOptions options) =>
        SmokeCache.For(options.Environment).Load(KeyFor(locations, options));

    private static SmokeResult Failed(SmokeResult result, SmokeStatus status, string stage, string? log, string? fault, string? fix,
        ToolchainLocations locations, DoctorOptions options, SmokeCache cache, string key)
    {
        var step = StepNames.GetValueOrDefault(stage, stage);
        string? errorLine = null;
        string? kept = null;
        if (log is not null && File.Exists(log))
        {
            errorLine = SmokeDiagnosis.LastErrorLine(File.ReadLines(log));
            Directory.CreateDirectory(cache.Root);
            kept = cache.LogPath(key);
            File.Copy(log, kept, overwrite: true);
        }
        if (fault is null || fix is null)
        {
            var diagnosis = SmokeDiagnosis.Diagnose(step, errorLine, new DoctorContext(locations, DoctorScope.Full, options));
            fault ??= diagnosis.Fault;
            fix ??= diagnosis.Fix;
        }
        return result with { Status = status, Step = step, ErrorLine = errorLine, Fault = fault, Fix = fix, LogPath = kept };
    }

    /// <summary>The stage a tool log belongs to: build/logs/&lt;stage&gt;.log.</summary>
    private static string StageOf(string? logPath, BuildFolder folder) =>
        logPath is not null && Path.GetDirectoryName(Path.GetFullPath(logPath)) == Path.GetFullPath(folder.LogsDirectory)
            ? Path.GetFileNameWithoutExtension(logPath)
            : "convert";

    /// <summary>The snapshot folder of a cached Hub revision, or null (the cache is only read, never filled).</summary>
    private static string? CachedSnapshot(RecipeSource source, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var cache = new HubCache(HubEnvironment.FromEnvironment(environment).CacheDirectory);
            var repo = RepoId.Parse(source.HfRepo);
            var commit = HubCache.IsCommitHash(source.Revision) ? source.Revision : cache.ReadRef(repo, source.Revision);
            var folder = commit is null ? null : cache.SnapshotFolder(repo, commit);
            return folder is not null && File.Exists(Path.Combine(folder, "tokenizer.json")) ? folder : null;
        }
        catch (Exception e) when (e is AlcException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
