using Ava.Compiler.Processes;
using Ava.Compiler.Errors;
using System.Diagnostics;
using System.Text.Json;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// Runs stages in order, content-addressed and resumable: a stage whose key matches a finished output is skipped,
/// any other stage runs in a temp folder that is renamed into place only when it succeeds. A run killed at any moment
/// therefore resumes at the first stage without a finished output. Not specific to LLMs: any list of
/// <see cref="IStage"/> works.
/// </summary>
public sealed class StageEngine
{
    private readonly IReadOnlyList<IStage> _stages;

    public StageEngine(IReadOnlyList<IStage> stages)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in stages)
        {
            if (!IsFolderSafe(s.Name)) throw new ArgumentException($"Stage name '{s.Name}' must be made of [a-z0-9-].");
            foreach (var d in s.DependsOn)
                if (!seen.Contains(d)) throw new ArgumentException($"Stage '{s.Name}' depends on '{d}', which does not run before it.");
            if (!seen.Add(s.Name)) throw new ArgumentException($"Two stages are named '{s.Name}'.");
        }
        _stages = stages;
    }

    public IReadOnlyList<IStage> Stages => _stages;

    /// <summary>The key of every stage and what it is made of, computed without running anything.</summary>
    public IReadOnlyList<PlannedStage> Plan(HashCache hashCache)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var plan = new List<PlannedStage>();
        foreach (var stage in _stages)
        {
            var builder = new KeyBuilder().Add("stage", stage.Name);
            foreach (var dep in stage.DependsOn) builder.Add($"after:{dep}", keys[dep]);
            stage.DescribeInputs(builder, new StageKeyContext(hashCache));
            var key = builder.Build();
            keys[stage.Name] = key;
            plan.Add(new PlannedStage(stage.Name, key, stage.DependsOn, builder.Inputs));
        }
        return plan;
    }

    /// <summary>Whether each stage would be skipped or run, given what the build folder holds now.</summary>
    public IReadOnlyList<(PlannedStage Stage, bool UpToDate)> Status(BuildFolder folder, HashCache hashCache) =>
        Plan(hashCache).Select(p => (p, IsUpToDate(folder, p.Name, p.Key, out _))).ToList();

    public async Task<IReadOnlyList<StageRecord>> RunAsync(BuildFolder folder, IReporter reporter, CancellationToken cancellationToken = default)
    {
        using var buildLock = BuildLock.Acquire(folder);
        if (ChildGuard.CleanStale(folder.Root) is { Count: > 0 } strays)
            reporter.Info($"stopped {strays.Count} tool process group(s) a killed run left in {folder.Root} (group {string.Join(", ", strays)})");
        Directory.CreateDirectory(folder.StagesDirectory);
        Directory.CreateDirectory(folder.LogsDirectory);
        foreach (var stale in folder.StaleTempDirectories().ToList()) AtomicDirectory.TryDeleteTree(stale);

        var hashCache = HashCache.Open(folder.HashCachePath);
        var finished = new Dictionary<string, StageRecord>(StringComparer.Ordinal);
        var records = new List<StageRecord>();
        try
        {
            foreach (var planned in Plan(hashCache))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stage = _stages.First(s => s.Name == planned.Name);
                var record = IsUpToDate(folder, planned.Name, planned.Key, out var stamp)
                    ? new StageRecord(planned.Name, planned.Key, StageStatus.Skipped, folder.StageDirectory(planned.Name), stamp!)
                    : await RunStageAsync(stage, planned.Key, folder, finished, hashCache, reporter, cancellationToken);
                if (record.Status == StageStatus.Skipped) reporter.Info($"{planned.Name}: up to date (key {planned.Key[..12]})");
                finished[planned.Name] = record;
                records.Add(record);
                hashCache.Save();
            }
        }
        finally
        {
            hashCache.Save();
        }
        return records;
    }

    private static async Task<StageRecord> RunStageAsync(IStage stage, string key, BuildFolder folder,
        IReadOnlyDictionary<string, StageRecord> finished, HashCache hashCache, IReporter reporter, CancellationToken cancellationToken)
    {
        using var section = reporter.Section(stage.Name);
        var logPath = folder.LogPath(stage.Name);
        File.WriteAllText(logPath, $"# alc stage {stage.Name}, key {key}, started {DateTimeOffset.UtcNow:O}\n");
        var tmp = folder.NewTempDirectory(stage.Name);
        var clock = Stopwatch.StartNew();
        try
        {
            var context = new StageContext(stage.Name, key, tmp, logPath, folder, finished, hashCache, reporter, cancellationToken);
            var outcome = await stage.RunAsync(context);
            cancellationToken.ThrowIfCancellationRequested();
            var stamp = new StageStamp
            {
                Stage = stage.Name,
                Key = key,
                FinishedUtc = DateTimeOffset.UtcNow,
                WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                Summary = outcome.Summary,
                Tools = context.Tools.ToList(),
                Files = KeyBuilder.ListFiles(tmp).Select(rel => new StampFile(rel, new FileInfo(Path.Combine(tmp, rel)).Length)).ToList(),
                Data = outcome.Data,
            };
            AtomicFile.WriteAllText(Path.Combine(tmp, StageStamp.FileName), JsonSerializer.Serialize(stamp, StageStamp.Json.TypeInfo<StageStamp>()));
            var target = folder.StageDirectory(stage.Name);
            AtomicDirectory.Replace(tmp, target);
            File.AppendAllText(logPath, $"# finished in {clock.Elapsed.TotalSeconds:0.000} s\n");
            if (outcome.Summary is not null) reporter.Info($"{stage.Name}: {outcome.Summary}");
            return new StageRecord(stage.Name, key, StageStatus.Ran, target, stamp);
        }
        catch (Exception e) when (e is not AlcException && DiskFull.Is(e))
        {
            AtomicDirectory.TryDeleteTree(tmp);
            throw DiskFull.Error($"the output of stage {stage.Name} in {folder.Root}", e);
        }
        catch
        {
            AtomicDirectory.TryDeleteTree(tmp);
            throw;
        }
    }

    private static bool IsUpToDate(BuildFolder folder, string stage, string key, out StageStamp? stamp)
    {
        var dir = folder.StageDirectory(stage);
        stamp = StageStamp.TryRead(dir);
        return stamp is not null && stamp.Key == key && stamp.OutputsIntact(dir);
    }

    private static bool IsFolderSafe(string name) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}

/// <summary>A stage as planned: its key and the named inputs the key was built from.</summary>
public sealed record PlannedStage(string Name, string Key, IReadOnlyList<string> DependsOn, IReadOnlyList<KeyInput> Inputs);
