using System.Text.Json;

namespace Ava.Compiler.HuggingFace.Api;

/// <summary>The repository API: which commit a revision names and which files it holds.</summary>
internal sealed class RepoApiClient(HubHttp http)
{
    public Task<RevisionInfo> GetRevisionAsync(RepoId repo, string revision, CancellationToken cancellationToken) =>
        http.RetryAsync(async () =>
        {
            var url = http.EndpointUri($"api/models/{repo.Value}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
            using var response = await http.SendAsync(HttpMethod.Get, url, followCrossHost: false, null, cancellationToken);
            if (!response.IsSuccessStatusCode) throw HubErrors.ForResponse(response, http.Options, repo, revision);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return Parse(repo, revision, url, body);
        }, cancellationToken);

    private static RevisionInfo Parse(RepoId repo, string revision, Uri url, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var sha = root.TryGetProperty("sha", out var s) ? s.GetString() : null;
            if (sha is null || !HubCache.IsCommitHash(sha))
                throw Unexpected(url, "it has no 40-character commit id in 'sha'");
            var siblings = new List<RepoSibling>();
            if (root.TryGetProperty("siblings", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var name = item.GetProperty("rfilename").GetString() ?? throw Unexpected(url, "a sibling has no rfilename");
                    LfsInfo? lfs = null;
                    if (item.TryGetProperty("lfs", out var l) && l.ValueKind == JsonValueKind.Object)
                        lfs = new LfsInfo(l.GetProperty("sha256").GetString()!, l.GetProperty("size").GetInt64());
                    siblings.Add(new RepoSibling(name,
                        item.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : null,
                        item.TryGetProperty("blobId", out var blob) ? blob.GetString() : null,
                        lfs));
                }
            }
            return new RevisionInfo(root.TryGetProperty("id", out var id) ? id.GetString() ?? repo.Value : repo.Value, sha.ToLowerInvariant(), siblings);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Unexpected(url, $"it is not the Hub's JSON ({e.Message})");
        }
    }

    private static HubProtocolException Unexpected(Uri url, string why) =>
        new($"The answer of {url} is not a Hub revision: {why}.", "Check HF_ENDPOINT: it must name the Hub or a Hub mirror.");
}
