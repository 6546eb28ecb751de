using Ava.Compiler.Onnx;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Onnx;

/// <summary>
/// A small BERT-shaped embedding model (input_ids → Gather(word table) → MatMul → last_hidden_state) with a matching
/// vocab.txt, written to a folder, plus a recipe folder: the whole `.AON` path runs on it in a second.
/// </summary>
internal static class TinyEmbedder
{
    public const int Dim = 16;

    public static readonly string[] Vocab =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "weather", "is", "lovely", "today", ".", "ok", "it", "'", "s", "so",
        "sunny", "outside", "!", "he", "drove", "to", "stadium", "a", "man", "eating", "food", "set", "alarm", "for", "call", "mom",
    ];

    public static (string Model, string Vocab) Write(string dir)
    {
        var model = new TinyModel()
            .Input("input_ids", OnnxDataType.Int64, "batch", "sequence")
            .Input("attention_mask", OnnxDataType.Int64, "batch", "sequence")
            .Output("last_hidden_state", OnnxDataType.Float, "batch", "sequence", Dim)
            .Initializer(Tensors.Float("word_embeddings", [Vocab.Length, Dim], TinyModel.Random(Vocab.Length * Dim, 41)))
            .Initializer(Tensors.Float("dense", [Dim, Dim], TinyModel.Random(Dim * Dim, 42)))
            .Node("Gather", ["word_embeddings", "input_ids"], ["embedded"])
            .Node("MatMul", ["embedded", "dense"], ["last_hidden_state"])
            .Build();
        var modelPath = Path.Combine(dir, "tiny.onnx");
        File.WriteAllBytes(modelPath, OnnxModelFile.ToBytes(model));
        var vocabPath = Path.Combine(dir, "vocab.txt");
        File.WriteAllText(vocabPath, string.Join("\n", Vocab) + "\n");
        return (modelPath, vocabPath);
    }

    /// <summary>A recipes folder holding tiny-embed.yml (source: file) with the given gate.</summary>
    public static string Recipes(TempDir dir, string model, string vocab, double minMean = 0.9, double min = 0.9) =>
        Path.GetDirectoryName(dir.Write("recipes/tiny-embed.yml", RecipeText(model, vocab, minMean, min)))!;

    /// <summary>tiny-embed.yml: the model and vocab as a local file source, the cosine gate, no latency runs.</summary>
    public static string RecipeText(string model, string vocab, double minMean = 0.9, double min = 0.9) => $"""
            schema: 1
            name: tiny-embed
            kind: onnx-embedding
            ava:
              code: "016"
              size: Tiny
            source:
              hf_repo: alc-tests/tiny-embed
              revision: main
            onnx:
              source: file
              model: {model}
              vocab: {vocab}
              min_mean_cosine: {minMean.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              min_cosine: {min.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              latency_runs: 0
            """;
}
