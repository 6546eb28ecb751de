using System.Net;
using Ava.Compiler.Errors;
using Octokit;

namespace Ava.Action.Publishing;

/// <summary>
/// A GitHub API failure, one type per kind the caller or the user handles differently. Each names what alc was doing
/// (<see cref="Operation"/>) and how to fix it; the exit code follows the project's table.
/// </summary>
public abstract class GitHubApiException(string operation, int status, string problem, string fix, Exception? inner)
    : AlcException(problem, fix, inner)
{
    public string Operation { get; } = operation;

    /// <summary>The HTTP status, or 0 when no response arrived.</summary>
    public int Status { get; } = status;
}

/// <summary>401/403: the token is missing, wrong, or lacks a permission (exit 3: the environment is wrong, not the input).</summary>
public sealed class GitHubAccessDeniedException(string operation, int status, string message, Exception? inner = null)
    : GitHubApiException(operation, status, $"GitHub refused {operation} ({status}: {message}).",
        "Pass a token with 'contents: write' permission (in a workflow: 'permissions: contents: write' and github-token: ${{ github.token }}).", inner)
{
    public override ExitCode ExitCode => ExitCode.ToolchainMissing;
    public override string Kind => "github-access-denied";
}

/// <summary>404: the repository, release, branch or file does not exist (or the token cannot see it).</summary>
public sealed class GitHubNotFoundException(string operation, string message, Exception? inner = null)
    : GitHubApiException(operation, 404, $"GitHub found nothing for {operation} (404: {message}).",
        "Check the repository, tag and branch names, and that the token can read the repository.", inner)
{
    public override ExitCode ExitCode => ExitCode.BadInput;
    public override string Kind => "github-not-found";
}

/// <summary>409: the state changed under us (a branch moved, a file's sha is stale).</summary>
public sealed class GitHubConflictException(string operation, string message, Exception? inner = null)
    : GitHubApiException(operation, 409, $"GitHub reported a conflict while {operation} (409: {message}).",
        "Another job changed the same branch at the same time; run the job again (published assets are reused, nothing is duplicated).", inner)
{
    public override ExitCode ExitCode => ExitCode.ExternalToolFailed;
    public override string Kind => "github-conflict";
}

/// <summary>422: GitHub validated the request and rejected it; <see cref="Errors"/> holds its per-field reasons.</summary>
public sealed class GitHubRejectedException(string operation, string message, IReadOnlyList<GitHubFieldError> errors, Exception? inner = null)
    : GitHubApiException(operation, 422,
        $"GitHub rejected {operation} (422: {message}{(errors.Count > 0 ? "; " + string.Join("; ", errors) : "")}).",
        "Check the names and values passed to the action; the reasons above come from GitHub.", inner)
{
    public IReadOnlyList<GitHubFieldError> Errors { get; } = errors;

    public bool Has(string code, string? resource = null) =>
        Errors.Any(e => e.Code == code && (resource is null || e.Resource == resource));

    public override ExitCode ExitCode => ExitCode.ExternalToolFailed;
    public override string Kind => "github-rejected";
}

/// <summary>A rate limit whose reset is further away than we are willing to wait.</summary>
public sealed class GitHubRateLimitedException(string operation, DateTimeOffset? reset, Exception? inner = null)
    : GitHubApiException(operation, 403, $"GitHub's API rate limit is exhausted while {operation}" +
        (reset is { } r ? $"; it resets at {r.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC." : "."),
        "Run the job again after the reset, or use a token with a higher limit (a GitHub App or the workflow's GITHUB_TOKEN).", inner)
{
    public DateTimeOffset? Reset { get; } = reset;
    public override ExitCode ExitCode => ExitCode.Network;
    public override string Kind => "github-rate-limited";
}

/// <summary>5xx, timeouts and dropped connections that kept failing after every retry.</summary>
public sealed class GitHubUnavailableException(string operation, int status, string message, int attempts, Exception? inner = null)
    : GitHubApiException(operation, status, $"GitHub did not answer {operation} after {attempts} attempts ({message}).",
        "Check https://www.githubstatus.com and the runner's network, then run the job again; finished uploads are reused.", inner)
{
    public override ExitCode ExitCode => ExitCode.Network;
    public override string Kind => "github-unavailable";
}

public sealed record GitHubFieldError(string? Resource, string? Field, string? Code, string? Message)
{
    public override string ToString() => $"{Resource}.{Field}: {Code}{(string.IsNullOrEmpty(Message) ? "" : " " + Message)}";
}

internal static class GitHubErrors
{
    public static GitHubApiException From(string operation, Exception e, int attempts) => e switch
    {
        GitHubApiException typed => typed,
        RateLimitExceededException r => new GitHubRateLimitedException(operation, r.Reset, r),
        SecondaryRateLimitExceededException or AbuseException => new GitHubRateLimitedException(operation, null, e),
        ApiValidationException v => new GitHubRejectedException(operation, Message(v), FieldErrors(v), v),
        NotFoundException n => new GitHubNotFoundException(operation, Message(n), n),
        AuthorizationException or ForbiddenException => new GitHubAccessDeniedException(operation, (int)((ApiException)e).StatusCode, Message((ApiException)e), e),
        ApiException { StatusCode: HttpStatusCode.Conflict } c => new GitHubConflictException(operation, Message(c), c),
        ApiException { StatusCode: (HttpStatusCode)429 } t => new GitHubRateLimitedException(operation, null, t),
        ApiException a when (int)a.StatusCode >= 500 => new GitHubUnavailableException(operation, (int)a.StatusCode, Message(a), attempts, a),
        ApiException a => new GitHubRejectedException(operation, $"{(int)a.StatusCode} {Message(a)}", [], a),
        HttpRequestException or TaskCanceledException or TimeoutException => new GitHubUnavailableException(operation, 0, e.Message, attempts, e),
        _ => throw new InvalidOperationException($"Unexpected failure while {operation}.", e),
    };

    private static string Message(ApiException e) => e.ApiError?.Message is { Length: > 0 } m ? m : e.Message;

    private static IReadOnlyList<GitHubFieldError> FieldErrors(ApiValidationException e) =>
        e.ApiError?.Errors?.Select(x => new GitHubFieldError(x.Resource, x.Field, x.Code, x.Message)).ToList() ?? [];
}
