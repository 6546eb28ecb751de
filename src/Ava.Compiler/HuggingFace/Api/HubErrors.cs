using System.Net;
using Ava.Compiler.Errors;

namespace Ava.Compiler.HuggingFace.Api;

/// <summary>
/// Turns a failed Hub answer into the typed exception a person can act on. The Hub names the reason in X-Error-Code
/// (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo); 401 also stands for "missing or private" when no
/// token was sent, so that case names both possibilities.
/// </summary>
internal static class HubErrors
{
    public static AlcException ForResponse(HttpResponseMessage response, HubOptions options, RepoId repo, string revision, string? path = null)
    {
        var status = (int)response.StatusCode;
        var code = HubHttp.Header(response, "X-Error-Code");
        var message = HubHttp.Header(response, "X-Error-Message");
        var url = response.RequestMessage?.RequestUri?.ToString() ?? options.Endpoint;
        var sent = options.Token is null ? "no token was sent" : $"the token from {options.TokenSource ?? "the options"} was sent";
        var accept = $"Accept the license at {repo.WebUrl} and set HF_TOKEN to a read token of the same account (https://huggingface.co/settings/tokens), then rerun.";

        if (code == "GatedRepo" || status == 403)
            return new HubAccessDeniedException($"{repo} is gated and the Hub refused access (HTTP {status}; {sent}).", accept, status);

        if (status == 401)
        {
            if (message == "Invalid credentials in Authorization header" && options.Token is not null)
                return new HubAccessDeniedException($"The Hub rejected the token from {options.TokenSource ?? "the options"} (HTTP 401).",
                    "Create a new read token at https://huggingface.co/settings/tokens and set HF_TOKEN to it, then rerun.", status);
            return new HubAccessDeniedException(
                $"The Hub answered HTTP 401 for {repo}: it does not exist, or it is private or gated and {sent}.",
                $"Check the id at {repo.WebUrl}. If it is gated or private: {accept}", status);
        }

        if (status == 404)
        {
            if (code == "RevisionNotFound")
                return new HubNotFoundException($"Revision '{revision}' does not exist in {repo}.",
                    $"Use a branch, tag or commit id listed at {repo.WebUrl}, or leave the revision unset{Remedy.Of(UserInput.Revision)} to use main.");
            if (code == "EntryNotFound" || path is not null)
                return new HubNotFoundException($"{path ?? "A requested file"} does not exist in {repo} at revision {revision}.",
                    $"Check the file names at {repo.WebUrl}/tree/{revision} and fix the file patterns{Remedy.Of(UserInput.Include)} or the recipe's file list.");
            return new HubNotFoundException($"The repository {repo} does not exist on {options.Endpoint}.",
                $"Check the spelling (ORG/NAME, case matters) at {repo.WebUrl}.");
        }

        if (status == (int)HttpStatusCode.TooManyRequests || status >= 500)
            return new HubUnavailableException($"The Hub answered HTTP {status} for {url}{(message is null ? "" : $" ({message})")}.",
                "The Hub is busy or down: wait a little and rerun; finished files are kept and partial ones resume.");

        return new HubProtocolException($"The Hub answered HTTP {status} for {url}{(message is null ? "" : $" ({message})")}.",
            "Check HF_ENDPOINT (it must name the Hub or a Hub mirror) and rerun.");
    }
}
