using System.Text.Json.Nodes;

namespace Ava.Compiler.Onnx;

/// <summary>The validation report as JSON (kept in the validate stage's stamp and in the package's report.json).</summary>
public static class ValidationReportJson
{
    public static JsonObject ToJson(ValidationReport r) => new()
    {
        ["passed"] = r.Passed,
        ["sentences"] = r.Scores.Count,
        ["meanCosine"] = Math.Round(r.MeanCosine, 5),
        ["minCosine"] = Math.Round(r.MinCosine, 5),
        ["requiredMeanCosine"] = r.MinMeanCosineRequired,
        ["requiredMinCosine"] = r.MinCosineRequired,
        ["worstSentence"] = r.Worst.Text,
        ["fp32Bytes"] = r.Fp32Bytes,
        ["int8Bytes"] = r.Int8Bytes,
        ["sizeRatio"] = Math.Round(r.SizeRatio, 4),
        ["signatureIdentical"] = r.SignatureIdentical,
        ["signatureDifferences"] = new JsonArray([.. r.SignatureDifferences.Select(d => (JsonNode)d)]),
        ["inputs"] = Signature(r.Fp32Signature.Inputs, r.Int8Signature.Inputs),
        ["outputs"] = Signature(r.Fp32Signature.Outputs, r.Int8Signature.Outputs),
        ["latency"] = r.Latency is { } l
            ? new JsonObject
            {
                ["threads"] = 1,
                ["runs"] = l.Runs,
                ["tokens"] = l.Tokens,
                ["fp32MedianMs"] = Math.Round(l.Fp32MedianMs, 3),
                ["int8MedianMs"] = Math.Round(l.Int8MedianMs, 3),
                ["speedup"] = Math.Round(l.Speedup, 3),
            }
            : null,
        ["scores"] = new JsonArray([.. r.Scores.Select(s => (JsonNode)new JsonObject
        {
            ["text"] = s.Text, ["tokens"] = s.Tokens, ["cosine"] = Math.Round(s.Cosine, 5),
        })]),
    };

    private static JsonArray Signature(IReadOnlyList<TensorSignature> fp32, IReadOnlyList<TensorSignature> int8) =>
        new([.. fp32.Select((t, i) => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["fp32"] = t.ToString(),
            ["int8"] = i < int8.Count ? int8[i].ToString() : null,
        })]);
}
