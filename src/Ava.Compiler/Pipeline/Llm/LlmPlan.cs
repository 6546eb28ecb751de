using Ava.Compiler.HuggingFace;
using Ava.Compiler.Packaging;
using Ava.Compiler.Planning;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// The whole story of an LLM compile before it runs (<c>alc compile --plan</c>): where the weights come from, each
/// stage with its key and what it does in one line, every file it will write under its AVA name, and the planned
/// context, prefill and memory. The shells only render it.
/// </summary>
/// <param name="MemoryPlan">Null until config.json is at hand (a local --source, or the Hub snapshot already in the cache).</param>
/// <param name="ContextWindowSize">The context asked for (--context or the recipe); null lets the planner choose from config.json.</param>
/// <param name="PrefillChunkSize">The prefill chunk asked for, else the planner's default.</param>
public sealed record BuildPlanView(string AvaName, string Recipe, string Quantization, string SystemLibPrefix, string BuildDirectory,
    string ModelDirectory, string Package, IReadOnlyList<PlannedStageView> Stages, IReadOnlyDictionary<string, string> Environment, MemoryPlan? MemoryPlan)
{
    public PlanSource? Source { get; init; }

    public IReadOnlyList<PlannedFile> Files { get; init; } = [];

    public int? ContextWindowSize { get; init; }

    public int PrefillChunkSize { get; init; } = MemoryPlanner.DefaultPrefillChunk;

    /// <summary>The recipe's device memory budget, MiB.</summary>
    public int DeviceMemoryMb { get; init; }
}

/// <param name="Command">The exact command line of a stage that runs an external program (MLC-LLM); null otherwise.</param>
/// <param name="Action">What the stage does, on one line: the command itself, or what alc does in process.</param>
public sealed record PlannedStageView(string Name, string Key, bool UpToDate, IReadOnlyList<string> DependsOn, string? Command, IReadOnlyList<string> Inputs)
{
    public string Action { get; init; } = Command ?? "";

    public StageActionKind ActionKind { get; init; } = Command is null ? StageActionKind.InProcess : StageActionKind.Tool;
}

public enum StageActionKind
{
    /// <summary>alc runs an external program: <see cref="PlannedStageView.Action"/> is its exact command line.</summary>
    Tool,

    /// <summary>alc's own code does the work; <see cref="PlannedStageView.Action"/> says what.</summary>
    InProcess,
}

/// <summary>Where the weights come from.</summary>
/// <param name="Repo">The recipe's Hub repository; null for a local folder.</param>
/// <param name="Commit">The commit the revision resolves to, when the cache already holds its snapshot; null until fetched.</param>
/// <param name="ModelDirectory">The folder MLC will read: the local --source, or the cached snapshot; null until fetched.</param>
/// <param name="CacheDirectory">The Hub cache the fetch stage uses.</param>
public sealed record PlanSource(SourceOrigin Origin, string? Repo, string? Revision, string? Commit, string? ModelDirectory, string? CacheDirectory,
    IReadOnlyList<string> Include)
{
    /// <summary>
    /// The tokenizer files <c>mlc_llm gen_config</c> copies next to mlc-chat-config.json when the model has them
    /// (mlc-ai/mlc-llm@7b15b196:python/mlc_llm/interface/gen_config.py:254, TOKENIZER_FILES).
    /// </summary>
    public static readonly IReadOnlyList<string> MlcTokenizerFiles =
        ["tokenizer.model", "tokenizer.json", "vocab.json", "merges.txt", "added_tokens.json", "tokenizer_config.json"];

    /// <summary>google/gemma-3-4b-it@main, or the local folder.</summary>
    public string Display => Repo is null ? ModelDirectory ?? "" : $"{Repo}@{Revision}";

    /// <summary>
    /// The recipe's repository and revision, with the commit and snapshot when the Hub cache already has them (read from
    /// refs/{revision} as huggingface_hub does offline, and only when the snapshot has config.json).
    /// </summary>
    public static PlanSource For(LlmBuild build)
    {
        if (build.SourceDirectory is { } local)
            return new PlanSource(SourceOrigin.LocalFolder, null, null, null, Path.GetFullPath(local), null, []);
        var repo = RepoId.Parse(build.Recipe.Source.HfRepo);
        var revision = build.Recipe.Source.Revision;
        var cache = new HubCache(HubEnvironment.FromEnvironment(build.Environment).CacheDirectory);
        var commit = HubCache.IsCommitHash(revision) ? revision : cache.ReadRef(repo, revision);
        var snapshot = commit is null ? null : cache.SnapshotFolder(repo, commit);
        var cached = snapshot is not null && File.Exists(Path.Combine(snapshot, "config.json"));
        return new PlanSource(SourceOrigin.HuggingFace, repo.Value, revision, cached ? commit : null, cached ? snapshot : null, cache.Root,
            FetchStage.Include);
    }
}

/// <param name="Path">The file (a '*' stands for the numbered weight shards, whose count convert_weight decides).</param>
/// <param name="Stage">The stage that writes it (dist/ and the registry are written after the last stage).</param>
/// <param name="What">Where it comes from, in a few words.</param>
public sealed record PlannedFile(string Path, string Stage, string What);
