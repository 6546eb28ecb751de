namespace Ava.Compiler.HuggingFace;

/// <summary>
/// What to fetch: a repository at a revision (branch, tag or commit id), narrowed by huggingface_hub-style glob
/// patterns (<see cref="Include"/>, <see cref="Exclude"/>: like allow_patterns/ignore_patterns, a pattern that matches
/// nothing is simply unused). <see cref="Required"/> names exact files that are fetched too and must exist — the compile
/// stage passes a recipe's file list that way, so a typo fails loudly instead of fetching nothing.
/// </summary>
public sealed record FetchRequest
{
    public FetchRequest(RepoId repo) => Repo = repo;

    public RepoId Repo { get; init; }

    public string Revision { get; init; } = "main";

    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Repository paths that must exist; each is fetched even when no include matches it.</summary>
    public IReadOnlyList<string> Required { get; init; } = [];

    public static FetchRequest For(string repoId) => new(RepoId.Parse(repoId));

    public FetchRequest WithRevision(string? revision) =>
        this with { Revision = string.IsNullOrWhiteSpace(revision) ? "main" : revision.Trim() };

    public FetchRequest WithInclude(params IEnumerable<string> patterns) => this with { Include = [.. Include, .. patterns] };

    public FetchRequest WithRequired(params IEnumerable<string> paths) => this with { Required = [.. Required, .. paths] };

    public FetchRequest WithExclude(params IEnumerable<string> patterns) => this with { Exclude = [.. Exclude, .. patterns] };
}
