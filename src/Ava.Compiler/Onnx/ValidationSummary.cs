namespace Ava.Compiler.Onnx;

/// <summary>
/// The validation report as kept in the validate stage's stamp and in the package's report.json: cosines rounded to
/// five places, the size ratio to four, latencies to three (what a reader compares; the full doubles vary by machine).
/// </summary>
public sealed record ValidationSummary(
    bool Passed,
    int Sentences,
    double MeanCosine,
    double MinCosine,
    double RequiredMeanCosine,
    double RequiredMinCosine,
    string WorstSentence,
    long Fp32Bytes,
    long Int8Bytes,
    double SizeRatio,
    bool SignatureIdentical,
    IReadOnlyList<string> SignatureDifferences,
    IReadOnlyList<TensorPair> Inputs,
    IReadOnlyList<TensorPair> Outputs,
    LatencySummary? Latency,
    IReadOnlyList<SentenceScore> Scores)
{
    public static ValidationSummary From(ValidationReport r) => new(
        r.Passed, r.Scores.Count, Math.Round(r.MeanCosine, 5), Math.Round(r.MinCosine, 5), r.MinMeanCosineRequired, r.MinCosineRequired,
        r.Worst.Text, r.Fp32Bytes, r.Int8Bytes, Math.Round(r.SizeRatio, 4), r.SignatureIdentical, r.SignatureDifferences,
        Pairs(r.Fp32Signature.Inputs, r.Int8Signature.Inputs), Pairs(r.Fp32Signature.Outputs, r.Int8Signature.Outputs),
        r.Latency is { } l
            ? new LatencySummary(1, l.Runs, l.Tokens, Math.Round(l.Fp32MedianMs, 3), Math.Round(l.Int8MedianMs, 3), Math.Round(l.Speedup, 3))
            : null,
        [.. r.Scores.Select(s => s with { Cosine = Math.Round(s.Cosine, 5) })]);

    private static List<TensorPair> Pairs(IReadOnlyList<TensorSignature> fp32, IReadOnlyList<TensorSignature> int8) =>
        [.. fp32.Select((t, i) => new TensorPair(t.Name, t.ToString(), i < int8.Count ? int8[i].ToString() : null))];
}

/// <summary>One input or output tensor of the FP32 model beside the INT8 model's tensor at the same position.</summary>
public sealed record TensorPair(string Name, string Fp32, string? Int8);

/// <summary>Single-thread latency of both models (a timing: kept out of packaged reports).</summary>
public sealed record LatencySummary(int Threads, int Runs, int Tokens, double Fp32MedianMs, double Int8MedianMs, double Speedup);
