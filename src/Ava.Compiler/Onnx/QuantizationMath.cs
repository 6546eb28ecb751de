using System.Numerics;

namespace Ava.Compiler.Onnx;

/// <summary>
/// The arithmetic of ONNX Runtime's dynamic quantization: symmetric int8 weights with zero point 0, asymmetric uint8
/// for tables, the real range always widened to include 0, round-half-to-even then clip. All in float32 so the bytes
/// are the same on every machine.
/// </summary>
public static class QuantizationMath
{
    public static (sbyte Min, sbyte Max) Int8Range(bool reduceRange) => reduceRange ? ((sbyte)-64, (sbyte)64) : ((sbyte)-127, (sbyte)127);

    /// <summary>Symmetric scale for a value range: max(|min|,|max|)·2 / (qmax − qmin); 1 when the range is all zeros.</summary>
    public static float SymmetricScale(float absMax, sbyte qMin, sbyte qMax)
    {
        var scale = absMax * 2f / (qMax - qMin);
        return scale > 0f && float.IsFinite(scale) ? scale : 1f;
    }

    public static sbyte QuantizeSymmetric(float value, float scale, sbyte qMin, sbyte qMax)
    {
        var q = MathF.Round(value / scale, MidpointRounding.ToEven);
        return (sbyte)Math.Clamp(q, qMin, qMax);
    }

    /// <summary>Quantizes a row-major [K, N] weight: one scale per column (axis 1) or one for the whole tensor.</summary>
    public static (sbyte[] Values, float[] Scales) QuantizeWeight(ReadOnlySpan<float> weight, int rows, int cols, bool perChannel, bool reduceRange)
    {
        var (qMin, qMax) = Int8Range(reduceRange);
        var absMax = new float[perChannel ? cols : 1];
        for (var r = 0; r < rows; r++)
        {
            var row = weight.Slice(r * cols, cols);
            if (perChannel)
                for (var c = 0; c < cols; c++) absMax[c] = MathF.Max(absMax[c], MathF.Abs(row[c]));
            else
                for (var c = 0; c < cols; c++) absMax[0] = MathF.Max(absMax[0], MathF.Abs(row[c]));
        }
        var scales = new float[absMax.Length];
        for (var i = 0; i < scales.Length; i++) scales[i] = SymmetricScale(absMax[i], qMin, qMax);

        var q = new sbyte[weight.Length];
        var rowScales = perChannel ? scales : Enumerable.Repeat(scales[0], cols).ToArray();
        for (var r = 0; r < rows; r++)
            QuantizeRow(weight.Slice(r * cols, cols), rowScales, q.AsSpan(r * cols, cols), qMin, qMax);
        return (q, scales);
    }

    /// <summary>
    /// dst[i] = clip(round_half_even(src[i] / scale[i])), vectorised. Vector division and rounding are IEEE-exact,
    /// so the result equals the scalar <see cref="QuantizeSymmetric"/> element for element.
    /// </summary>
    private static void QuantizeRow(ReadOnlySpan<float> src, ReadOnlySpan<float> scale, Span<sbyte> dst, sbyte qMin, sbyte qMax)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<float>.Count)
        {
            var lo = new Vector<float>(qMin);
            var hi = new Vector<float>(qMax);
            var ints = new int[Vector<int>.Count];
            for (; i <= src.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(src[i..]) / new Vector<float>(scale[i..]);
                var q = Vector.ConvertToInt32(Vector.Clamp(Vector.Round(v), lo, hi));
                q.CopyTo(ints);
                for (var k = 0; k < ints.Length; k++) dst[i + k] = (sbyte)ints[k];
            }
        }
        for (; i < src.Length; i++) dst[i] = QuantizeSymmetric(src[i], scale[i], qMin, qMax);
    }

    /// <summary>Asymmetric uint8 over the whole tensor (the form ORT gives Gather tables).</summary>
    public static (byte[] Values, float Scale, byte ZeroPoint) QuantizeUInt8(ReadOnlySpan<float> data)
    {
        float min = 0f, max = 0f;
        foreach (var v in data) { min = MathF.Min(min, v); max = MathF.Max(max, v); }
        var scale = (max - min) / 255f;
        if (!(scale > 0f) || !float.IsFinite(scale)) scale = 1f;
        var zp = (byte)Math.Clamp(MathF.Round(0f - min / scale, MidpointRounding.ToEven), 0f, 255f);
        var q = new byte[data.Length];
        for (var i = 0; i < data.Length; i++)
            q[i] = (byte)Math.Clamp(MathF.Round(data[i] / scale, MidpointRounding.ToEven) + zp, 0f, 255f);
        return (q, scale, zp);
    }
}
