using Ava.Compiler.Errors;
using Ava.Compiler.Planning;

namespace Ava.Compiler.Onnx;

/// <summary>
/// When a BERT config.json sits beside a local ONNX model, its sizes must agree with the model and vocabulary alc is
/// about to package: AVA's runtime and the registry take the embedding width from the model, and a config that says
/// otherwise (typically a field left out, so BertConfig's bert-base default of 768 stands in for MiniLM's 384) means the
/// files do not belong together.
/// </summary>
public static class EmbeddingConfigCheck
{
    public const string FileName = "config.json";

    /// <summary>The config.json beside the model, or null when there is none (the check is then skipped).</summary>
    public static string? Beside(string modelPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, FileName);
        return File.Exists(path) ? path : null;
    }

    public static void Check(BertArchitecture config, string configPath, ModelSignature model, int vocabEntries)
    {
        // The width as the model states it: the token-level output's last dimension, else the pooled one's (the optimum
        // export of all-MiniLM-L6-v2 leaves last_hidden_state's symbolic and states 384 on the pooler output).
        var stated = model.Outputs.Where(o => o.Rank is 3 or 2).OrderByDescending(o => o.Rank)
            .Select(o => (o.Name, Width: int.TryParse(o.Dims[^1], out var w) ? w : (int?)null))
            .FirstOrDefault(o => o.Width is not null);
        if (stated.Width is { } width && width != config.HiddenSize)
            throw new BadInputException(
                $"{configPath} gives hidden_size {config.HiddenSize}{Why(config, "hidden_size")}, but the model's output '{stated.Name}' is {width} wide.",
                "Use the config.json published with this ONNX model (the same Hugging Face repository and revision), or remove it.");
        if (vocabEntries > config.VocabSize)
            throw new BadInputException(
                $"{configPath} gives vocab_size {config.VocabSize}{Why(config, "vocab_size")}, but the vocabulary has {vocabEntries} entries: token ids past {config.VocabSize - 1} have no embedding.",
                "Use the vocab.txt and config.json published with this model, or remove config.json.");
    }

    /// <summary>" (absent from the file, so BertConfig's default, transformers line …)" when the value was not in the file.</summary>
    private static string Why(BertArchitecture config, string field) =>
        config.Defaulted.FirstOrDefault(d => d.Field == field) is { } d
            ? $" (the file has no '{field}', so this is {ConfigClasses.Bert.Name}'s default, {d.Source})"
            : "";
}
