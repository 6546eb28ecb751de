using Ava.Compiler.Reporting;

namespace Ava.Action.Publishing;

/// <summary>A registry file to commit: where it goes on the registry branch and how to derive it from what is there.</summary>
public sealed record RegistryChange(string RepositoryPath, Func<string?, string> Update, string Message)
{
    /// <summary>The whole file is ours (one entry per model): replace whatever is there with the local bytes.</summary>
    public static RegistryChange Replace(string repositoryPath, string text, string message) => new(repositoryPath, _ => text, message);
}

/// <param name="Registry">Asked for the registry files once the assets are uploaded, so entries can record where the assets are.</param>
public sealed record PublishPlan(ReleaseRequest? Release, IReadOnlyList<ReleaseFile> Assets, string RegistryBranch,
    Func<IReadOnlyList<AssetPublication>, IReadOnlyList<RegistryChange>> Registry);

/// <summary><see cref="Release"/> is null when there were no assets (registry-only publishing).</summary>
public sealed record PublishResult(ReleaseInfo? Release, bool ReleaseCreated, IReadOnlyList<AssetPublication> Assets, IReadOnlyList<FileCommit> Commits);

/// <summary>
/// Publishes one run's results: the release for the tag (created when missing), its assets (replaced only when their
/// content changed), then the registry files on the registry branch (created from the default branch when missing).
/// Assets go first so a registry entry never points at a file that is not there.
/// </summary>
public sealed class Publisher(GitHubRepository repository, GitHubCalls calls, IReporter reporter)
{
    public async Task<PublishResult> PublishAsync(PublishPlan plan, CancellationToken ct = default)
    {
        var client = repository.CreateClient();
        var releases = new ReleasesApi(client, repository, calls);
        var assets = new ReleaseAssetsApi(client, repository, calls);

        ReleaseInfo? release = null;
        var created = false;
        if (plan.Assets.Count > 0)
        {
            if (plan.Release is null) throw new ArgumentException("Assets need a release to go to.", nameof(plan));
            (release, created) = await releases.EnsureAsync(plan.Release, ct);
            reporter.Info($"{(created ? "created" : "using")} release {release.TagName} of {repository}: {release.HtmlUrl}");
        }

        var published = new List<AssetPublication>();
        foreach (var file in plan.Assets)
        {
            var p = await assets.PublishAsync(release!, file.Path, file.Name, ct);
            reporter.Info($"{p.Name}: {Describe(p.Outcome)} ({p.Size} bytes, sha256 {p.Sha256})");
            published.Add(p);
        }

        var commits = new List<FileCommit>();
        var registry = plan.Registry(published);
        if (registry.Count > 0)
        {
            var (_, branchCreated) = await new BranchesApi(client, repository, calls).EnsureAsync(plan.RegistryBranch, ct);
            if (branchCreated) reporter.Info($"created branch {plan.RegistryBranch} from the default branch");
            var files = new RepositoryFilesApi(client, repository, calls);
            foreach (var change in registry)
            {
                var c = await files.CommitAsync(change.RepositoryPath, plan.RegistryBranch, change.Update, change.Message, ct);
                reporter.Info($"{c.Path} on {c.Branch}: {c.Outcome.ToString().ToLowerInvariant()}{(c.CommitSha is { } s ? $" in {s[..Math.Min(12, s.Length)]}" : "")}");
                commits.Add(c);
            }
        }
        return new PublishResult(release, created, published, commits);
    }

    private static string Describe(AssetOutcome o) => o switch
    {
        AssetOutcome.Uploaded => "uploaded",
        AssetOutcome.Replaced => "replaced (content changed)",
        _ => "unchanged, not uploaded again",
    };
}
