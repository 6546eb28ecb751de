namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// bfloat16: the upper 16 bits of an IEEE-754 binary32 (1 sign, 8 exponent, 7 fraction bits). A float is rounded to
/// the nearest bf16, ties to even — what torch's <c>tensor.to(torch.bfloat16)</c> does — and a NaN stays a (quiet) NaN
/// instead of rounding into infinity. Stored little-endian, as safetensors stores every dtype.
/// </summary>
public static class BFloat16
{
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        // Round to nearest even: add 0x7FFF plus the lowest kept bit, then truncate.
        var rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
