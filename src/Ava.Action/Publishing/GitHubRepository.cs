using Octokit;
using Octokit.Internal;

namespace Ava.Action.Publishing;

/// <summary>
/// Which repository to publish to and how to reach its API. The API URL comes from the runner (GITHUB_API_URL), so
/// github.com, GitHub Enterprise Server and the test fixtures server all work the same way.
/// </summary>
public sealed record GitHubRepository(string Owner, string Name, Uri ApiUrl, string Token)
{
    public static readonly Uri PublicApi = new("https://api.github.com/");

    public static GitHubRepository Parse(string ownerSlashName, string token, string? apiUrl = null)
    {
        var parts = ownerSlashName.Split('/');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new Ava.Compiler.Errors.BadInputException($"'{ownerSlashName}' is not a repository name of the form owner/name.",
                "Set GITHUB_REPOSITORY (the runner does) or the action's 'repository' input to owner/name.");
        return new GitHubRepository(parts[0], parts[1], apiUrl is { Length: > 0 } u ? new Uri(u) : PublicApi, token);
    }

    public GitHubRepository WithApiUrl(Uri apiUrl) => this with { ApiUrl = apiUrl };

    public override string ToString() => $"{Owner}/{Name}";

    /// <summary>
    /// Builds the connection directly: <c>new GitHubClient(header, uri)</c> would rewrite any host other than
    /// github.com to <c>/api/v3/</c>, and relative API paths need the trailing slash.
    /// </summary>
    public IGitHubClient CreateClient()
    {
        var baseUri = ApiUrl.AbsoluteUri.EndsWith('/') ? ApiUrl : new Uri(ApiUrl.AbsoluteUri + "/");
        var connection = new Connection(new ProductHeaderValue("ava-model-compile"), baseUri,
            new InMemoryCredentialStore(string.IsNullOrEmpty(Token) ? Credentials.Anonymous : new Credentials(Token)));
        return new GitHubClient(connection);
    }
}
