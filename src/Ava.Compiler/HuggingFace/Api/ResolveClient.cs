using System.Net.Http.Headers;

namespace Ava.Compiler.HuggingFace.Api;

/// <summary>The file API: metadata of one file at one commit, and its bytes (whole or a range).</summary>
internal sealed class ResolveClient(HubHttp http)
{
    public Uri ResolveUrl(RepoId repo, string commit, string path) =>
        http.EndpointUri($"{repo.Value}/resolve/{Uri.EscapeDataString(commit)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>
    /// HEAD on the resolve URL, following only same-host redirects (repo renames): the Hub's own answer carries the
    /// metadata, and a redirect to another host (the CDN) is where the bytes are.
    /// </summary>
    public Task<FileMetadata> GetMetadataAsync(RepoId repo, string commit, string path, CancellationToken cancellationToken) =>
        http.RetryAsync(async () =>
        {
            var url = ResolveUrl(repo, commit, path);
            using var response = await http.SendAsync(HttpMethod.Head, url, followCrossHost: false, null, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 399) throw HubErrors.ForResponse(response, http.Options, repo, commit, path);

            var redirected = status >= 300;
            var etag = NormalizeEtag(HubHttp.Header(response, "X-Linked-Etag") ?? HubHttp.Header(response, "ETag"));
            var sizeText = HubHttp.Header(response, "X-Linked-Size") ?? (redirected ? null : response.Content.Headers.ContentLength?.ToString());
            var repoCommit = HubHttp.Header(response, "X-Repo-Commit");
            if (etag is null || repoCommit is null || !long.TryParse(sizeText, out var size))
                throw new HubProtocolException(
                    $"{url} did not answer like the Hub (missing {(etag is null ? "ETag" : repoCommit is null ? "X-Repo-Commit" : "the file size")}).",
                    "Check HF_ENDPOINT and any proxy between you and the Hub: they must pass the Hub's headers through.");
            var location = redirected && response.Headers.Location is { } loc ? (loc.IsAbsoluteUri ? loc : new Uri(url, loc)) : url;
            return new FileMetadata(repoCommit, etag, size, location);
        }, cancellationToken);

    /// <summary>
    /// GET of the bytes from <paramref name="from"/> (and up to <paramref name="to"/>, inclusive). Whether the range
    /// was honoured is for the caller to read from the status and Content-Range. The caller owns the response.
    /// </summary>
    public async Task<HttpResponseMessage> OpenAsync(Uri url, long from, long? to, RepoId repo, string commit, string path,
        CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(HttpMethod.Get, url, followCrossHost: true, request =>
        {
            if (from > 0 || to is not null) request.Headers.Range = new RangeHeaderValue(from, to);
        }, cancellationToken);
        if (response.IsSuccessStatusCode || (int)response.StatusCode == 416) return response;
        using (response) throw HubErrors.ForResponse(response, http.Options, repo, commit, path);
    }

    /// <summary>ETags come as "x" or W/"x"; the blob file is named by x (huggingface_hub _normalize_etag).</summary>
    public static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        var e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.Ordinal)) e = e[2..];
        e = e.Trim('"');
        return e.Length == 0 || e.IndexOfAny(['/', '\\']) >= 0 || e is "." or ".." ? null : e;
    }
}
