using System.Diagnostics;
using Ava.Compiler.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Ava.Compiler.Onnx;

/// <summary>The accuracy gate's thresholds and how much latency sampling to do.</summary>
public sealed record ValidationOptions
{
    public static ValidationOptions Default { get; } = new();

    public double MinMeanCosine { get; init; } = 0.99;

    public double MinCosine { get; init; } = 0.97;

    /// <summary>Timed runs per model (interleaved FP32 / INT8, single thread); 0 skips the latency measurement.</summary>
    public int LatencyRuns { get; init; } = 30;

    public bool Lowercase { get; init; } = true;

    public int MaxTokens { get; init; } = 256;

    public IReadOnlyList<string> Sentences { get; init; } = ValidationSentences.All;

    public ValidationOptions WithThresholds(double mean, double min) => this with { MinMeanCosine = mean, MinCosine = min };

    public ValidationOptions WithLatencyRuns(int runs) => this with { LatencyRuns = runs };

    public ValidationOptions WithSentences(IReadOnlyList<string> sentences) => this with { Sentences = sentences };

    public ValidationOptions WithLowercase(bool lowercase) => this with { Lowercase = lowercase };
}

public sealed record SentenceScore(string Text, int Tokens, double Cosine);

public sealed record LatencyResult(int Runs, int Tokens, double Fp32MedianMs, double Int8MedianMs)
{
    public double Speedup => Int8MedianMs > 0 ? Fp32MedianMs / Int8MedianMs : 0;
}

/// <summary>The outcome of comparing an INT8 model with its FP32 source.</summary>
public sealed record ValidationReport(
    IReadOnlyList<SentenceScore> Scores,
    double MeanCosine,
    double MinCosine,
    double MinMeanCosineRequired,
    double MinCosineRequired,
    long Fp32Bytes,
    long Int8Bytes,
    ModelSignature Fp32Signature,
    ModelSignature Int8Signature,
    IReadOnlyList<string> SignatureDifferences,
    LatencyResult? Latency)
{
    public double SizeRatio => Fp32Bytes > 0 ? (double)Int8Bytes / Fp32Bytes : 0;

    public bool SignatureIdentical => SignatureDifferences.Count == 0;

    public SentenceScore Worst => Scores.MinBy(s => s.Cosine)!;

    public bool Passed => SignatureIdentical && MeanCosine >= MinMeanCosineRequired && MinCosine >= MinCosineRequired;

    /// <summary>Throws <see cref="VerificationFailedException"/> (exit 1) unless the gate passed.</summary>
    public void ThrowIfFailed()
    {
        if (!SignatureIdentical)
            throw new VerificationFailedException(
                $"The INT8 model's signature differs from the FP32 model's: {string.Join("; ", SignatureDifferences)}.",
                "This is a quantizer bug: report it with the source model. AVA binds inputs and outputs by name, type and rank.");
        if (MeanCosine < MinMeanCosineRequired || MinCosine < MinCosineRequired)
            throw new VerificationFailedException(
                $"The INT8 model is not accurate enough: cosine to FP32 over {Scores.Count} sentences is mean {MeanCosine:F4} (needs ≥ {MinMeanCosineRequired:F2}) " +
                $"and min {MinCosine:F4} (needs ≥ {MinCosineRequired:F2}; worst: \"{Truncate(Worst.Text)}\").",
                "Keep per-channel weight scales on (the default) and reduce_range off; if the model still fails, it is not suited to dynamic INT8.");
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..57] + "...";
}

/// <summary>
/// The accuracy gate: embeds a varied sentence set with the FP32 and the INT8 model (ONNX Runtime, one thread) and
/// compares them sentence by sentence; also measures single-thread latency and compares the signatures.
/// </summary>
public static class EmbeddingValidator
{
    public static ValidationReport Validate(byte[] fp32Model, byte[] int8Model, string vocabPath, ValidationOptions? options = null)
    {
        options ??= ValidationOptions.Default;
        var tokenizer = new WordPieceTokenizer(vocabPath, options.Lowercase, options.MaxTokens);
        var fp32Signature = ModelSignature.Of(OnnxModelFile.Parse(fp32Model, "the FP32 model"));
        var int8Signature = ModelSignature.Of(OnnxModelFile.Parse(int8Model, "the INT8 model"));

        using var fp32 = Open(fp32Model, "the FP32 model");
        using var int8 = Open(int8Model, "the INT8 model");

        var scores = new List<SentenceScore>(options.Sentences.Count);
        foreach (var text in options.Sentences)
        {
            var encoded = tokenizer.Encode(text);
            scores.Add(new SentenceScore(text, encoded.InputIds.Length, SentenceEmbedder.Cosine(fp32.Embed(encoded), int8.Embed(encoded))));
        }

        LatencyResult? latency = null;
        if (options.LatencyRuns > 0)
            latency = MeasureLatency(fp32, int8, tokenizer.Encode(LatencySentence), options.LatencyRuns);

        return new ValidationReport(
            scores, scores.Average(s => s.Cosine), scores.Min(s => s.Cosine), options.MinMeanCosine, options.MinCosine,
            fp32Model.LongLength, int8Model.LongLength, fp32Signature, int8Signature,
            fp32Signature.DifferencesTo(int8Signature), latency);
    }

    /// <summary>A typical assistant request (about 20 tokens), timed for the latency comparison.</summary>
    public const string LatencySentence = "Remind me to call the dentist tomorrow at nine and book a table for two on Friday.";

    /// <summary>Interleaves FP32 and INT8 runs so machine noise hits both alike; returns medians.</summary>
    public static LatencyResult MeasureLatency(SentenceEmbedder fp32, SentenceEmbedder int8, EncodedText text, int runs)
    {
        for (var i = 0; i < 5; i++) { fp32.Embed(text); int8.Embed(text); }
        var a = new double[runs];
        var b = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            fp32.Embed(text);
            a[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            t = Stopwatch.GetTimestamp();
            int8.Embed(text);
            b[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        return new LatencyResult(runs, text.InputIds.Length, Median(a), Median(b));
    }

    private static double Median(double[] xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static SentenceEmbedder Open(byte[] model, string name)
    {
        try { return SentenceEmbedder.Create(model, name); }
        catch (OnnxRuntimeException e)
        {
            throw new VerificationFailedException($"ONNX Runtime cannot load {name}: {e.Message.Trim()}",
                "The model uses an operator or type ONNX Runtime 1.31 does not run; re-export it with standard ops (opset 13+).");
        }
    }
}
