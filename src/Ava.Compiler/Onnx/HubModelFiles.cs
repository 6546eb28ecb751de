using Ava.Compiler.Errors;
using Ava.Compiler.HuggingFace;

namespace Ava.Compiler.Onnx;

/// <summary>Fetches an ONNX model file (with its external data, if the export has any) and its vocab from a Hub repo.</summary>
public static class HubModelFiles
{
    public static Func<HubFileSource, CancellationToken, Task<(string Model, string Vocab)>> Using(HubOptions options, IFetchObserver? observer = null) =>
        async (source, cancellationToken) =>
        {
            using var fetcher = new HubFetcher(options, observer);
            var request = FetchRequest.For(source.Repo).WithRevision(source.Revision)
                .WithInclude(source.File, source.File + "*data", source.VocabFile); // external data, when the export has it
            var result = await fetcher.FetchAsync(request, cancellationToken);
            var model = result.File(source.File) ?? throw new BadInputException(
                $"{source.Repo}@{result.Commit[..Math.Min(12, result.Commit.Length)]} has no file '{source.File}'.",
                "Set onnx.hf_file in the recipe to the path of the .onnx file in that repository (e.g. onnx/model.onnx).");
            var vocab = result.File(source.VocabFile) ?? throw new BadInputException(
                $"{source.Repo} has no vocabulary file '{source.VocabFile}'.",
                "Set onnx.vocab_file in the recipe to the repository's WordPiece vocab (usually vocab.txt).");
            return (model.LocalPath, vocab.LocalPath);
        };
}
