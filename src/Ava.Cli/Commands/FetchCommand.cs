using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.HuggingFace;

namespace Ava.Cli.Commands;

/// <summary><c>alc fetch REPO_ID</c>: downloads a Hub repository into the shared Hugging Face cache.</summary>
public sealed class FetchCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("fetch", "Download a model repository from the Hugging Face Hub into the shared HF cache.")
    {
        Positionals = [new PositionalSpec("repo", "Hub model id, ORG/NAME (e.g. google/gemma-3-1b-it).")],
        Options =
        [
            OptionSpec.Value("--revision", "REV", "Branch, tag or commit id to fetch.", "main"),
            OptionSpec.Repeatable("--include", "GLOB", "Fetch only files matching this pattern ('*' also matches '/', 'dir/' means everything below)."),
            OptionSpec.Repeatable("--exclude", "GLOB", "Skip files matching this pattern."),
        ],
        Environment = [.. EnvironmentHelp.Hub, .. EnvironmentHelp.Fetch, .. EnvironmentHelp.Console],
        Details = """
            Files land in the cache huggingface_hub uses ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub),
            so weights downloaded by Python tools are reused and the other way round. Interrupted downloads resume; LFS
            files are checked against their sha256.

            Examples:
              alc fetch google/gemma-3-1b-it --include '*.json' --include '*.safetensors'
              alc fetch sentence-transformers/all-MiniLM-L6-v2 --include onnx/model.onnx --json
            """,
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var options = HubEnvironment.FromEnvironment(context.Environment);
        if (options.Token is { } token) context.Redactor.Add(token);
        var request = FetchRequest.For(input.PositionalValue("repo")!)
            .WithRevision(input.Value("--revision"))
            // A pattern without wildcards names one file: fetch it and fail if the repo lacks it.
            .WithInclude(input.Values("--include").Where(p => !new HubGlob(p).IsLiteral))
            .WithRequired(input.Values("--include").Where(p => new HubGlob(p).IsLiteral))
            .WithExclude(input.Values("--exclude"));

        var view = FetchProgressView.Create(context);
        using var fetcher = new HubFetcher(options, view);
        var result = await view.RunAsync(() => fetcher.FetchAsync(request, cancellationToken));

        var downloaded = result.Files.Count(f => f.Status != FileStatus.Cached);
        // Plain text, not Spectre markup: a wrapped path could not be copied from the terminal.
        context.Err.WriteLine(
            $"{result.Repo}@{result.Revision} → {result.SnapshotFolder} ({result.Files.Count} files, {downloaded} downloaded, " +
            $"{result.Files.Count - downloaded} from the cache{(result.FromCacheOnly ? ", no network used" : "")})");

        if (input.Json)
        {
            JsonOutput.Write(context.Out, new FetchJson
            {
                ok = true,
                repo = result.Repo.Value,
                revision = result.Revision,
                commit = result.Commit,
                snapshot = result.SnapshotFolder,
                cacheDirectory = options.CacheDirectory,
                fromCacheOnly = result.FromCacheOnly,
                bytesTransferred = result.BytesTransferred,
                files = result.Files.Select(f => new FetchJson.File
                {
                    path = f.Path,
                    localPath = f.LocalPath,
                    blobPath = f.BlobPath,
                    size = f.Size,
                    sha256 = f.Sha256,
                    etag = f.Etag,
                    status = f.Status,
                    bytesTransferred = f.BytesTransferred,
                }),
            }, FetchJsonContext.Output.FetchJson);
        }
        return 0;
    }
}

/// <summary>'alc fetch --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record FetchJson
{
    public required bool ok { get; init; }
    public required string repo { get; init; }
    public required string revision { get; init; }
    public required string commit { get; init; }
    public required string snapshot { get; init; }
    public required string cacheDirectory { get; init; }
    public required bool fromCacheOnly { get; init; }
    public required long bytesTransferred { get; init; }
    public required IEnumerable<File> files { get; init; }

    internal sealed record File
    {
        public required string path { get; init; }
        public required string localPath { get; init; }
        public required string blobPath { get; init; }
        public required long size { get; init; }
        public string? sha256 { get; init; }
        public string? etag { get; init; }
        public required FileStatus status { get; init; }
        public required long bytesTransferred { get; init; }
    }
}

[JsonSerializable(typeof(FetchJson))]
internal sealed partial class FetchJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static FetchJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
