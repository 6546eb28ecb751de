using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>One tensor to write: its name, safetensors dtype (e.g. "BF16"), shape and little-endian bytes.</summary>
public sealed record SafetensorsTensor(string Name, string Dtype, IReadOnlyList<long> Shape, byte[] Data);

/// <summary>
/// Writes the safetensors format (huggingface/safetensors README, "Format"): an 8-byte little-endian unsigned
/// header size N, then N bytes of UTF-8 JSON mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin,
/// end]}</c> (offsets relative to the start of the byte buffer that follows; the buffer is fully indexed, no holes or
/// overlaps), optionally a string-to-string <c>"__metadata__"</c>; the header is padded with spaces so the buffer starts
/// 8-byte aligned, as the reference writer does. Tensors are row-major and little-endian.
/// </summary>
public static class SafetensorsWriter
{
    private static readonly IReadOnlyDictionary<string, int> ElementBytes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BF16"] = 2, ["F16"] = 2, ["F32"] = 4, ["I64"] = 8, ["I32"] = 4, ["U8"] = 1, ["I8"] = 1,
    };

    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                if (!ElementBytes.TryGetValue(t.Dtype, out var size)) throw new ArgumentException($"Unsupported safetensors dtype '{t.Dtype}'.");
                var expected = t.Shape.Aggregate(1L, (a, b) => a * b) * size;
                if (expected != t.Data.Length)
                    throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.Length} bytes; its shape [{string.Join(", ", t.Shape)}] of {t.Dtype} needs {expected}.");
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.Dtype);
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }
            w.WriteEndObject();
        }
        var header = json.ToArray();
        var padded = (header.Length + 7) / 8 * 8;

        IO.AtomicFile.Write(path, stream =>
        {
            Span<byte> size = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)padded);
            stream.Write(size);
            stream.Write(header);
            for (var i = header.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var t in tensors) stream.Write(t.Data);
        });
    }

    /// <summary>Little-endian bf16 bytes of <paramref name="values"/>.</summary>
    public static byte[] Bf16Bytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), BFloat16.FromSingle(values[i]));
        return bytes;
    }

    /// <summary>The header of a safetensors file as JSON text (for tests and diagnostics).</summary>
    public static string ReadHeader(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> size = stackalloc byte[8];
        f.ReadExactly(size);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(size);
        if (n > 100_000_000) throw new InvalidDataException($"{path}: header size {n} is not plausible.");
        var header = new byte[n];
        f.ReadExactly(header);
        return Encoding.UTF8.GetString(header).TrimEnd(' ');
    }
}
