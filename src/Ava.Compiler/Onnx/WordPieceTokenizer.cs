using Ava.Compiler.Errors;
using FastBertTokenizer;

namespace Ava.Compiler.Onnx;

/// <summary>BERT input ids for one text: ids, attention mask, token types, each as owned arrays.</summary>
public sealed record EncodedText(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds);

/// <summary>
/// A WordPiece tokenizer over a model's vocab.txt (FastBertTokenizer: HF BasicTokenizer-compatible, strips accents
/// when lowercasing). FastBertTokenizer hands back views of one internal buffer that the next call overwrites, so
/// every result is copied here before it leaves.
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly BertTokenizer _tokenizer = new();

    public WordPieceTokenizer(string vocabPath, bool lowercase = true, int maxTokens = 256)
    {
        if (!File.Exists(vocabPath))
            throw new BadInputException($"The vocabulary '{vocabPath}' does not exist.", "Pass the vocab.txt that belongs to the model.");
        using var reader = new StreamReader(vocabPath);
        try { _tokenizer.LoadVocabulary(reader, lowercase); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new BadInputException($"'{vocabPath}' is not a usable WordPiece vocabulary ({e.Message.TrimEnd('.')}).",
                "Pass the vocab.txt of the model (one token per line, with [CLS], [SEP], [PAD] and [UNK]).");
        }
        MaxTokens = maxTokens;
    }

    public int MaxTokens { get; }

    public EncodedText Encode(string text)
    {
        var (ids, mask, types) = _tokenizer.Encode(text, MaxTokens);
        return new EncodedText(ids.ToArray(), mask.ToArray(), types.ToArray());
    }
}
