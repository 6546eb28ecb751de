using System.Text;

namespace Ava.Compiler.Jvm;

/// <summary>
/// Java's "modified UTF-8" (class-file CONSTANT_Utf8 and DEX string_data): NUL is two bytes (C0 80) and characters
/// outside the BMP are two 3-byte surrogates, so the standard UTF-8 decoder rejects valid input. Decoded by hand.
/// </summary>
internal static class ModifiedUtf8
{
    /// <summary>The string, or null when the bytes are not modified UTF-8 (the caller reports the damage).</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length;)
        {
            int b = bytes[i];
            if (b is > 0 and < 0x80) { sb.Append((char)b); i++; }
            else if ((b & 0xE0) == 0xC0)
            {
                if (i + 1 >= bytes.Length || (bytes[i + 1] & 0xC0) != 0x80) return null;
                sb.Append((char)(((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
                i += 2;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                if (i + 2 >= bytes.Length || (bytes[i + 1] & 0xC0) != 0x80 || (bytes[i + 2] & 0xC0) != 0x80) return null;
                sb.Append((char)(((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
                i += 3;
            }
            else return null; // a raw NUL, a 4-byte form or a stray continuation byte
        }
        return sb.ToString();
    }
}
