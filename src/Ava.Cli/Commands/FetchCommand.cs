using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;

namespace Ava.Cli.Commands;

/// <summary>
/// <c>alc fetch REPO_ID [FILES...]</c>: downloads a Hub repository into the shared Hugging Face cache, on the model of
/// <c>hf download</c> (huggingface/huggingface_hub@002a326f:src/huggingface_hub/cli/download.py): positional file names
/// (a name ending in '/' means the folder), --include/--exclude ignored with a note when names are given, --local-dir
/// and --cache-dir refused together, --dry-run listing what would be downloaded with sizes, --quiet printing only the
/// path, and the path (the snapshot folder, the --local-dir, or the one file asked for) on stdout. Unlike hf, a token
/// is never taken as a value on the command line.
/// </summary>
public sealed class FetchCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("fetch", "Download a model repository from the Hugging Face Hub into the shared HF cache.")
    {
        Positionals =
        [
            new PositionalSpec("repo", "Hub model id, ORG/NAME (e.g. google/gemma-3-1b-it)."),
            new PositionalSpec("files", "Files to download (e.g. config.json onnx/model.onnx); a name ending in '/' is a folder. Default: every file.", Required: false, Variadic: true),
        ],
        Options =
        [
            OptionSpec.Value("--revision", "REV", "Branch, tag or commit id to fetch.", "main"),
            OptionSpec.Repeatable("--include", "GLOB", "Fetch only files matching this pattern ('*' also matches '/', 'dir/' means everything below)."),
            OptionSpec.Repeatable("--exclude", "GLOB", "Skip files matching this pattern."),
            OptionSpec.Value("--cache-dir", "DIR", "The Hub cache to use instead of $HF_HUB_CACHE (not with --local-dir)."),
            OptionSpec.Value("--local-dir", "DIR", "Also place the files in DIR as real files (copies, not links into the cache); prints DIR."),
            OptionSpec.Flag("--dry-run", "Download nothing: list the files that would be downloaded, with their sizes."),
            OptionSpec.Flag("--quiet", "No progress and no notes: print only the path."),
            OptionSpec.Value("--token-file", "FILE", "Read the Hugging Face token from FILE (default: HF_TOKEN, else HF_TOKEN_PATH, else $HF_HOME/token)."),
        ],
        Environment = [.. EnvironmentHelp.Hub, .. EnvironmentHelp.Fetch, .. EnvironmentHelp.Console],
        Details = """
            Files land in the cache huggingface_hub uses ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub),
            so weights downloaded by Python tools are reused and the other way round. Interrupted downloads resume; LFS
            files are checked against their sha256. stdout gets one line, the path: the snapshot folder, the --local-dir,
            or the file when exactly one file name is given; progress and notes go to stderr.

            --local-dir keeps huggingface_hub's bookkeeping (DIR/.cache/huggingface/), so 'hf download --local-dir' and
            alc skip each other's unchanged files. The files are fetched through the cache first, so 'alc compile' reuses
            them; DIR gets copies, which cost the disk space a second time.

            The token: alc reads it from HF_TOKEN, from a file (--token-file FILE, HF_TOKEN_PATH, $HF_HOME/token), and
            never from a value on the command line (there is no --token): a command-line value is kept in your shell
            history and shown to every user of the machine in the process list ('ps').

            Examples:
              alc fetch google/gemma-3-1b-it config.json tokenizer.json
              alc fetch google/gemma-3-1b-it --include '*.json' --include '*.safetensors'
              alc fetch google/gemma-3-1b-it --dry-run
              alc fetch google/gemma-3-1b-it --local-dir ./gemma-3-1b-it --token-file ~/.secrets/hf-token
              alc fetch sentence-transformers/all-MiniLM-L6-v2 onnx/model.onnx --quiet
            """,
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var options = HubEnvironment.FromEnvironment(context.Environment);
        if (input.Value("--token-file") is { } tokenFile) options = HubEnvironment.WithTokenFile(options, context.ResolvePath(tokenFile));
        if (options.Token is { } token) context.Redactor.Add(token);

        var localDir = input.Value("--local-dir") is { } l ? context.ResolvePath(l) : null;
        if (input.Value("--cache-dir") is { } cacheDir)
        {
            if (localDir is not null)
                throw new BadInputException("--local-dir and --cache-dir were both given.",
                    "Use --cache-dir (or HF_HUB_CACHE) for the shared cache, or --local-dir for a copy in a folder of your own, not both.");
            options = options.WithCacheDirectory(context.ResolvePath(cacheDir));
        }

        var quiet = input.Flag("--quiet");
        var (request, single) = Request(input, context, quiet);
        if (input.Flag("--dry-run"))
        {
            using var planner = new HubFetcher(options);
            var plan = await planner.PlanAsync(request, cancellationToken);
            if (input.Json) JsonOutput.Write(context.Out, DryRunJson(plan, options), FetchJsonContext.Output.FetchDryRunJson);
            else FetchDryRunView.Write(context.Out, plan);
            return 0;
        }

        // --quiet: no progress, no notes ("only the returned path", as hf download --quiet).
        var view = quiet ? null : FetchProgressView.Create(context);
        using var fetcher = new HubFetcher(options, view);
        var result = view is null
            ? await fetcher.FetchAsync(request, cancellationToken)
            : await view.RunAsync(() => fetcher.FetchAsync(request, cancellationToken));
        if (localDir is not null) result = LocalDirectory.Export(result, localDir);

        var path = single is not null ? result.File(single)!.LocalPath : localDir ?? result.SnapshotFolder;
        if (!quiet)
        {
            var downloaded = result.Files.Count(f => f.Status != FileStatus.Cached);
            // Plain text, not Spectre markup: a wrapped path could not be copied from the terminal.
            context.Err.WriteLine(
                $"{result.Repo}@{result.Revision} (commit {result.Commit[..12]}): {result.Files.Count} files, {downloaded} downloaded, " +
                $"{result.Files.Count - downloaded} from the cache{(result.FromCacheOnly ? ", no network used" : "")}" +
                (localDir is null ? "" : $"; copied into {localDir}"));
        }
        if (input.Json)
            JsonOutput.Write(context.Out, new FetchJson(true, result.Repo.Value, result.Revision, result.Commit, path, result.SnapshotFolder,
                options.CacheDirectory, localDir, result.FromCacheOnly, result.BytesTransferred, [.. result.Files.Select(FetchedFileJson.Of)]),
                FetchJsonContext.Output.FetchJson);
        else
            context.Out.WriteLine(path);
        return 0;
    }

    /// <summary>
    /// hf download's rules: names pick files (each must exist), 'dir/' picks a folder; with names, --include/--exclude are
    /// ignored (a note says so), and a folder cannot be combined with them at all.
    /// </summary>
    private static (FetchRequest Request, string? Single) Request(CommandInput input, CliContext context, bool quiet)
    {
        var request = FetchRequest.For(input.PositionalValue("repo")!).WithRevision(input.Value("--revision"));
        var files = input.Positional("files");
        var include = input.Values("--include");
        var exclude = input.Values("--exclude");
        if (files.Count == 0)
            return (request
                // A pattern without wildcards names one file: fetch it and fail if the repo lacks it.
                .WithInclude(include.Where(p => !new HubGlob(p).IsLiteral))
                .WithRequired(include.Where(p => new HubGlob(p).IsLiteral))
                .WithExclude(exclude), null);

        var folders = files.Where(f => f.EndsWith('/')).ToList();
        var names = files.Where(f => !f.EndsWith('/')).ToList();
        if (folders.Count > 0 && include.Count + exclude.Count > 0)
            throw new BadInputException($"The folder '{folders[0]}' cannot be combined with --include or --exclude.",
                $"Write it as a pattern instead: --include '{folders[0]}*' (with --exclude if needed), and no folder name.");
        if (names.Count > 0 && include.Count + exclude.Count > 0 && !quiet)
            context.Err.WriteLine("note: --include and --exclude are ignored because file names were given.");
        return (request.WithRequired(names).WithInclude(folders), names.Count == 1 && folders.Count == 0 ? names[0] : null);
    }

    private static FetchDryRunJson DryRunJson(FetchDryRun plan, HubOptions options) =>
        new(true, true, plan.Repo.Value, plan.Revision, plan.Commit, options.CacheDirectory, plan.FromCacheOnly, plan.ToDownload.Count(), plan.BytesToDownload,
            [.. plan.Files.Select(f => new DryRunFileJson(f.Path, f.Size, f.WillDownload))]);
}
