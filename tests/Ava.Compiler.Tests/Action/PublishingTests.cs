using Ava.Action.Publishing;
using Ava.Compiler.Tests.Infrastructure;
using Octokit;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// Our Octokit clients against @octokit/fixtures-server: the recorded stock scenarios (release-assets,
/// release-assets-conflict, create-file, get-content, git-refs, errors) and hand-written ones in the same format under
/// tests/node/fixtures. Every test ends by checking the scenario was consumed exactly.
/// </summary>
public class PublishingTests(FixturesServerFixture fixture) : IClassFixture<FixturesServerFixture>, IDisposable
{
    private const string Token = "0000000000000000000000000000000000000001";
    private const string Alm = "ALM bytes\n";
    private readonly FixturesServer _server = fixture.Server;
    private readonly TempDir _dir = new("publish");

    public void Dispose() => _dir.Dispose();

    private static readonly RetryOptions FastRetries = RetryOptions.Default.WithBaseDelay(TimeSpan.FromMilliseconds(10));

    private sealed record Clients(GitHubRepository Repo, ReleasesApi Releases, ReleaseAssetsApi Assets,
        RepositoryFilesApi Files, BranchesApi Branches, GitHubCalls Calls, IGitHubClient Octokit);

    private async Task<(Uri Url, Clients C)> LoadAsync(string scenario, string repository)
    {
        var url = await _server.LoadAsync(scenario);
        var repo = GitHubRepository.Parse(repository, Token, url.AbsoluteUri);
        var client = repo.CreateClient();
        var calls = new GitHubCalls(FastRetries);
        return (url, new Clients(repo, new ReleasesApi(client, repo, calls), new ReleaseAssetsApi(client, repo, calls),
            new RepositoryFilesApi(client, repo, calls) { ConflictDelay = TimeSpan.FromMilliseconds(10) },
            new BranchesApi(client, repo, calls), calls, client));
    }

    private static Func<string?, string> AddLine(string line) =>
        current => current is not null && current.Split('\n').Contains(line) ? current : (current ?? "") + line + "\n";

    [Fact]
    public async Task I_can_upload_an_asset_to_the_release_of_an_existing_tag()
    {
        var (url, c) = await LoadAsync("release-assets", "octokit-fixture-org/release-assets");
        var file = _dir.Write("test-upload.txt", "Hello, world!\n");

        var release = await c.Releases.FindByTagAsync("v1.0.0");
        var published = await c.Assets.PublishAsync(release!, file);

        Assert.Equal(AssetOutcome.Uploaded, published.Outcome);
        Assert.Equal(1000, published.AssetId);
        // The server rewrites https://github.com/ to its own address.
        Assert.EndsWith("/octokit-fixture-org/release-assets/releases/download/v1.0.0/test-upload.txt", published.DownloadUrl);
        // The recording goes on to list, get, edit and delete the asset, which publishing never does.
        var pending = await _server.PendingAsync(url);
        Assert.Equal(["GET", "GET", "PATCH", "DELETE"], pending.Select(p => p.Split(' ')[0]));
    }

    [Fact]
    public async Task An_upload_that_meets_an_asset_of_the_same_name_without_a_digest_replaces_it()
    {
        var (url, c) = await LoadAsync("release-assets-conflict", "octokit-fixture-org/release-assets-conflict");
        var file = _dir.Write("test-upload.txt", "Hello, world!\n");

        var release = await c.Releases.FindByTagAsync("v1.0.0");
        var published = await c.Assets.PublishAsync(release!, file);

        Assert.Equal(AssetOutcome.Replaced, published.Outcome);
        Assert.Equal(1001, published.AssetId);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task An_asset_whose_digest_matches_is_not_uploaded_again()
    {
        var (url, c) = await LoadAsync("asset-unchanged", "ava-org/models");
        var file = _dir.Write("AVA-GE3-4B16.ALM", Alm);

        var (release, created) = await c.Releases.EnsureAsync(ReleaseRequest.ForTag("v1.2.3"));
        var published = await c.Assets.PublishAsync(release, file);

        Assert.False(created);
        Assert.Equal(AssetOutcome.Unchanged, published.Outcome);
        Assert.Equal(await ReleaseAssetsApi.Sha256Async(file), published.Sha256);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task An_asset_whose_digest_differs_is_deleted_and_uploaded_again()
    {
        var (url, c) = await LoadAsync("asset-changed", "ava-org/models");
        var file = _dir.Write("AVA-GE3-4B16.ALM", Alm);

        var (release, _) = await c.Releases.EnsureAsync(ReleaseRequest.ForTag("v1.2.3"));
        var published = await c.Assets.PublishAsync(release, file);

        Assert.Equal(AssetOutcome.Replaced, published.Outcome);
        Assert.Equal(3001, published.AssetId);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_retried_upload_that_already_landed_is_recognised_and_not_duplicated()
    {
        var (url, c) = await LoadAsync("asset-retry-already-uploaded", "ava-org/models");
        var file = _dir.Write("AVA-GE3-4B16.ALM", Alm);

        var (release, _) = await c.Releases.EnsureAsync(ReleaseRequest.ForTag("v1.2.3"));
        var published = await c.Assets.PublishAsync(release, file);

        Assert.Equal(AssetOutcome.Unchanged, published.Outcome);
        Assert.Equal(3000, published.AssetId);
        Assert.Equal(1, c.Calls.Retries);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_missing_release_is_created_for_the_tag_and_the_asset_uploaded_to_it()
    {
        var (url, c) = await LoadAsync("create-release", "ava-org/models");
        var file = _dir.Write("AVA-GE3-4B16.ALM", Alm);

        var (release, created) = await c.Releases.EnsureAsync(
            ReleaseRequest.ForTag("v1.2.3").WithName("AVA models v1.2.3").WithBody("notes").WithTarget("main"));
        var published = await c.Assets.PublishAsync(release, file);

        Assert.True(created);
        Assert.Equal(2000, release.Id);
        Assert.Equal(AssetOutcome.Uploaded, published.Outcome);
        Assert.EndsWith("/ava-org/models/releases/download/v1.2.3/AVA-GE3-4B16.ALM", published.DownloadUrl);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task Two_jobs_creating_the_same_release_end_with_one_release()
    {
        var (url, c) = await LoadAsync("create-release-race", "ava-org/models");

        var (release, created) = await c.Releases.EnsureAsync(ReleaseRequest.ForTag("v1.2.3"));

        Assert.False(created);
        Assert.Equal(2001, release.Id);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task I_can_create_a_file_through_the_contents_api()
    {
        var (url, c) = await LoadAsync("create-file", "octokit-fixture-org/create-file");

        // The recorded request has no branch (the default branch), so this goes through Octokit's own request model.
        var change = await c.Calls.RunAsync("creating test.txt", _ => c.Octokit.Repository.Content.CreateFile(
            "octokit-fixture-org", "create-file", "test.txt", new CreateFileRequest("create test.txt", "Test content")));

        Assert.Equal("3f3f005b29247e51a4f4d6b8ce07b67646cd6074", change.Content.Sha);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task I_can_read_a_file_and_a_folder_through_the_contents_api()
    {
        var (url, c) = await LoadAsync("get-content", "octokit-fixture-org/hello-world");

        var listing = await c.Calls.RunAsync("listing", _ => c.Octokit.Repository.Content.GetAllContents("octokit-fixture-org", "hello-world"));
        var raw = await c.Calls.RunAsync("reading", _ => c.Octokit.Repository.Content.GetRawContent("octokit-fixture-org", "hello-world", "README.md"));

        Assert.Contains(listing, i => i.Name == "README.md");
        Assert.Equal("# hello-world", System.Text.Encoding.UTF8.GetString(raw));
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_registry_file_is_updated_with_the_sha_that_was_read()
    {
        var (url, c) = await LoadAsync("update-file", "ava-org/models");

        var commit = await c.Files.CommitAsync("registry/index.txt", "registry", AddLine("AVA-GE3-4B16"), "registry: add AVA-GE3-4B16");

        Assert.Equal(FileOutcome.Updated, commit.Outcome);
        Assert.Equal(new string('d', 40), commit.CommitSha);
        Assert.Equal(1, commit.Attempts);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_409_on_a_registry_commit_rereads_and_keeps_the_other_jobs_entry()
    {
        var (url, c) = await LoadAsync("registry-update-conflict", "ava-org/models");

        var commit = await c.Files.CommitAsync("registry/index.txt", "registry", AddLine("AVA-GE3-4B16"), "registry: add AVA-GE3-4B16");

        // The fixture only accepts the second write if it carries the new sha and both entries (G4N from the other job, ours).
        Assert.Equal(FileOutcome.Updated, commit.Outcome);
        Assert.Equal(2, commit.Attempts);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_422_because_the_file_appeared_meanwhile_rereads_and_does_not_write_the_entry_twice()
    {
        var (url, c) = await LoadAsync("create-file-race", "ava-org/models");

        var commit = await c.Files.CommitAsync("registry/index.txt", "registry", AddLine("AVA-GE3-4B16"), "registry: add AVA-GE3-4B16");

        Assert.Equal(FileOutcome.Unchanged, commit.Outcome);
        Assert.Equal(2, commit.Attempts);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_missing_registry_branch_is_created_from_the_default_branch()
    {
        var (url, c) = await LoadAsync("registry-branch-missing", "ava-org/models");

        var (sha, created) = await c.Branches.EnsureAsync("registry");

        Assert.True(created);
        Assert.Equal(new string('1', 40), sha);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task I_can_list_create_move_and_delete_branches_through_git_refs()
    {
        var (url, c) = await LoadAsync("git-refs", "octokit-fixture-org/git-refs");

        var before = await c.Branches.ListHeadsAsync();
        await c.Branches.CreateAsync("test", "0000000000000000000000000000000000000002");
        await c.Branches.MoveAsync("test", "0000000000000000000000000000000000000001");
        var after = await c.Branches.ListHeadsAsync();
        await c.Branches.DeleteAsync("test");

        Assert.Equal(["main"], before.Keys);
        Assert.Equal("0000000000000000000000000000000000000001", after["test"]);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_the_call_succeeds()
    {
        var (url, c) = await LoadAsync("transient-errors", "ava-org/models");

        var release = await c.Releases.FindByTagAsync("v1.2.3");

        Assert.Equal(2000, release!.Id);
        Assert.Equal(2, c.Calls.Retries);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_secondary_rate_limit_is_waited_out_as_the_server_asks()
    {
        var (url, c) = await LoadAsync("secondary-rate-limit", "ava-org/models");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var release = await c.Releases.FindByTagAsync("v1.2.3");

        Assert.Equal(2000, release!.Id);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), "the retry came before the Retry-After of 1 s");
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_that_resets_too_late_fails_fast_with_the_reset_time()
    {
        var (url, c) = await LoadAsync("rate-limit-exhausted", "ava-org/models");

        var e = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => c.Releases.FindByTagAsync("v1.2.3"));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(4102444800), e.Reset);
        Assert.Equal(Ava.Compiler.Errors.ExitCode.Network, e.ExitCode);
        Assert.Contains("2100-01-01 00:00:00 UTC", e.Message);
        Assert.Equal(0, c.Calls.Retries);
        await _server.AssertConsumedAsync(url);
    }

    [Fact]
    public async Task A_validation_error_becomes_a_typed_exception_with_githubs_reasons()
    {
        var (url, c) = await LoadAsync("errors", "octokit-fixture-org/errors");
        var api = new ApiConnection(c.Octokit.Connection);

        // Octokit's NewLabel refuses the invalid colour itself, so the recorded body is posted as is.
        var e = await Assert.ThrowsAsync<GitHubRejectedException>(() => c.Calls.RunAsync("creating a label",
            _ => api.Post<Label>(new Uri("repos/octokit-fixture-org/errors/labels", UriKind.Relative), new { name = "foo", color = "invalid" })));

        Assert.True(e.Has("invalid", "Label"));
        Assert.Contains("Label.color: invalid", e.Message);
        Assert.Equal(Ava.Compiler.Errors.ExitCode.ExternalToolFailed, e.ExitCode);
        await _server.AssertConsumedAsync(url);
    }
}
