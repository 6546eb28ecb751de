using Ava.Compiler.Packaging;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Makes the Hugging Face model available without copying it: a local folder is used in place (its content is the
/// stage key), a Hub model is fetched into the Hub cache (resumable, see <c>alc fetch</c>) and used from its snapshot
/// folder. The stage data names the folder and, for the Hub, the commit the revision resolved to.
/// </summary>
public sealed class FetchStage(LlmBuild build) : IStage<FetchResult>
{
    public const string StageName = "fetch";

    public static readonly StageResult<FetchResult> Output = new(StageName, LlmJsonContext.Default.FetchResult);

    public StageResult<FetchResult> Result => Output;

    /// <summary>What MLC reads: config, safetensors weights and index, tokenizer files. No PyTorch .bin, no GGUF.</summary>
    public static readonly IReadOnlyList<string> Include =
        ["*.json", "*.safetensors", "tokenizer.model", "*.tiktoken", "vocab.txt", "merges.txt"];

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1);
        if (build.SourceDirectory is { } dir)
        {
            if (!File.Exists(Path.Combine(dir, "config.json")))
                throw new BadInputException($"The model folder '{dir}' has no config.json.", "Pass the folder of a Hugging Face model (config.json, *.safetensors, tokenizer files).");
            key.Add("local", "true").AddDirectory("model", dir, context.HashCache);
        }
        else
        {
            key.Add("repo", build.Recipe.Source.HfRepo).Add("revision", build.Recipe.Source.Revision);
        }
    }

    public async Task<StageOutcome<FetchResult>> RunAsync(StageContext context)
    {
        FetchResult data;
        if (build.SourceDirectory is { } dir)
        {
            data = new FetchResult(Path.GetFullPath(dir), SourceOrigin.LocalFolder);
        }
        else
        {
            var options = HubEnvironment.FromEnvironment(build.Environment);
            using var fetcher = new HubFetcher(options, new ReporterFetchObserver(context.Reporter));
            var request = FetchRequest.For(build.Recipe.Source.HfRepo).WithRevision(build.Recipe.Source.Revision).WithInclude(Include);
            var result = await fetcher.FetchAsync(request, context.CancellationToken);
            context.Log($"fetched {result.Repo} {result.Revision} -> {result.Commit}: {result.Files.Count} files, {result.BytesTransferred} bytes transferred");
            data = new FetchResult(result.SnapshotFolder, SourceOrigin.HuggingFace, build.Recipe.Source.HfRepo, result.Revision, result.Commit);
        }
        var modelDir = data.ModelDirectory;
        if (!File.Exists(Path.Combine(modelDir, "config.json")))
            throw new BadInputException($"The model at '{modelDir}' has no config.json.", $"Check the recipe's source.hf_repo, or pass a complete local model folder as the source{Remedy.Of(UserInput.Source)}.");
        // Read config.json as MLC's config class will (required fields, defaults, the GeLU/bias checks) before
        // convert_weight does: MLC stops on the same fields with a Python TypeError, alc names the field and the class.
        Planning.ModelArchitecture.Load(Path.Combine(modelDir, "config.json"));
        File.WriteAllText(Path.Combine(context.OutputDirectory, "source.json"), Output.ToData(data).ToJsonString());
        return new StageOutcome<FetchResult>($"model at {modelDir}", data);
    }

    public static string ModelDirectory(StageContext context) => context.ResultOf(Output).ModelDirectory;
}
