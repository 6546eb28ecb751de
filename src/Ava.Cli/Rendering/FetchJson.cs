using System.Text.Json;
using System.Text.Json.Serialization;
using Ava.Compiler.HuggingFace;

namespace Ava.Cli.Rendering;

/// <summary>`alc fetch --json`: the printed path, the commit and every file (named records, no anonymous objects).</summary>
/// <param name="Path">What the command prints on stdout without --json: the snapshot folder, the --local-dir, or the one file asked for.</param>
public sealed record FetchJson(bool Ok, string Repo, string Revision, string Commit, string Path, string Snapshot, string CacheDirectory,
    string? LocalDirectory, bool FromCacheOnly, long BytesTransferred, IReadOnlyList<FetchedFileJson> Files);

/// <param name="Status">cached, downloaded or resumed.</param>
public sealed record FetchedFileJson(string Path, string LocalPath, string BlobPath, long Size, string? Sha256, string? Etag, string Status, long BytesTransferred)
{
    public static FetchedFileJson Of(FetchedFile f) =>
        new(f.Path, f.LocalPath, f.BlobPath, f.Size, f.Sha256, f.Etag, f.Status.ToString().ToLowerInvariant(), f.BytesTransferred);
}

/// <summary>`alc fetch --dry-run --json`: what would be downloaded, with sizes (huggingface_hub's DryRunFileInfo fields).</summary>
public sealed record FetchDryRunJson(bool Ok, bool DryRun, string Repo, string Revision, string Commit, string CacheDirectory, bool FromCacheOnly,
    int FilesToDownload, long BytesToDownload, IReadOnlyList<DryRunFileJson> Files);

public sealed record DryRunFileJson(string Path, long Size, bool WillDownload);

/// <summary>Source-generated contracts for fetch's --json (Native AOT has no reflection-based serializer); the options are JsonOutput's.</summary>
[JsonSerializable(typeof(FetchJson))]
[JsonSerializable(typeof(FetchDryRunJson))]
internal sealed partial class FetchJsonContext : JsonSerializerContext
{
    public static readonly FetchJsonContext Output = new(new JsonSerializerOptions(JsonOutput.Options));
}
