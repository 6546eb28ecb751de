using System.Buffers.Binary;
using System.Text;

namespace Ava.Compiler.Binary;

/// <summary>Endian-aware field access into a header already read into memory (callers check lengths first).</summary>
internal readonly ref struct Fields(ReadOnlySpan<byte> data, bool bigEndian)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public ushort U16(int at) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_data[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(_data[at..]);

    public uint U32(int at) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(_data[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(_data[at..]);

    public ulong U64(int at) => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(_data[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(_data[at..]);

    /// <summary>A 32- or 64-bit address-sized field.</summary>
    public ulong Word(int at, bool is64) => is64 ? U64(at) : U32(at);
}

internal static class StringTable
{
    /// <summary>The NUL-terminated name at <paramref name="offset"/>, or null when the offset is outside the table.</summary>
    public static string? NameAt(byte[] table, ulong offset)
    {
        if (offset >= (ulong)table.Length) return null;
        var span = table.AsSpan((int)offset);
        var end = span.IndexOf((byte)0);
        if (end < 0) end = span.Length;
        return end == 0 ? "" : Encoding.UTF8.GetString(span[..end]);
    }
}
