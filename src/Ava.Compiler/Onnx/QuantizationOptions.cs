namespace Ava.Compiler.Onnx;

/// <summary>
/// How the dynamic INT8 quantizer treats weights. The defaults are the ones that hold accuracy on BERT-class
/// embedding models: per-channel weight scales (FFN output weights have per-column outliers that a single scale
/// crushes), embedding tables quantized (they are half of the parameters), full int8 range (reduce_range only helps
/// CPUs without VNNI and costs accuracy elsewhere).
/// </summary>
public sealed record QuantizationOptions
{
    public static QuantizationOptions Default { get; } = new();

    /// <summary>One scale per output column of each MatMul weight instead of one per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Store float Gather tables (word embeddings) as uint8 with a DequantizeLinear after the Gather.</summary>
    public bool QuantizeGatherTables { get; init; } = true;

    /// <summary>Quantize Gemm nodes with a constant weight too (MatMulInteger + bias Add); ORT's dynamic mode leaves them float.</summary>
    public bool QuantizeGemm { get; init; } = true;

    /// <summary>7-bit weights ([-64, 64]) for CPUs whose u8×s8 dot product saturates at int16 (AVX2 without VNNI).</summary>
    public bool ReduceRange { get; init; }

    public QuantizationOptions WithPerChannel(bool value) => this with { PerChannel = value };

    public QuantizationOptions WithGatherTables(bool value) => this with { QuantizeGatherTables = value };

    public QuantizationOptions WithGemm(bool value) => this with { QuantizeGemm = value };

    public QuantizationOptions WithReduceRange(bool value) => this with { ReduceRange = value };
}
