using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Ava.Compiler.HuggingFace.Download;

/// <summary>
/// The progress record of a parallel download, kept beside the .incomplete file: a header (magic, size, chunk size)
/// and one little-endian byte count per chunk. Each count is rewritten in place with a single 8-byte write after the
/// data it covers has been written, so after a crash every count claims only bytes that are really in the file.
/// Without this file an .incomplete file is read the way huggingface_hub writes it: its length is the valid prefix.
/// </summary>
internal sealed class PartsFile : IDisposable
{
    private const long Magic = 0x3174726170636c61; // "alcpart1"
    private const int HeaderSize = 24;
    private readonly SafeFileHandle _handle;

    private PartsFile(SafeFileHandle handle, long size, long chunkSize, long[] done)
    {
        _handle = handle;
        Size = size;
        ChunkSize = chunkSize;
        Done = done;
    }

    public long Size { get; }

    public long ChunkSize { get; }

    /// <summary>Bytes written from the start of each chunk. Only the worker owning a chunk changes its entry.</summary>
    public long[] Done { get; }

    public int Count => Done.Length;

    public long Start(int chunk) => chunk * ChunkSize;

    public long Length(int chunk) => Math.Min(ChunkSize, Size - Start(chunk));

    public long TotalDone => Done.Select((d, i) => Math.Min(Volatile.Read(ref Done[i]), Length(i))).Sum();

    /// <summary>End of the longest fully written prefix of the file.</summary>
    public long ContiguousEnd()
    {
        for (var i = 0; i < Count; i++)
        {
            var d = Volatile.Read(ref Done[i]);
            if (d < Length(i)) return Start(i) + d;
        }
        return Size;
    }

    /// <summary>Opens an existing record if it describes this download, else starts a fresh one (all counts zero).</summary>
    public static PartsFile OpenOrCreate(string path, long size, long chunkSize, bool dataFileExists)
    {
        var count = (int)((size + chunkSize - 1) / chunkSize);
        if (dataFileExists && TryRead(path, size, out var existingChunk, out var existing))
            return new PartsFile(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), size, existingChunk, existing);

        var header = new byte[HeaderSize + 8L * count];
        BinaryPrimitives.WriteInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), size);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), chunkSize);
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.Write(handle, header, 0);
        return new PartsFile(handle, size, chunkSize, new long[count]);
    }

    /// <summary>A record for a download that ran over one connection until <paramref name="have"/> bytes.</summary>
    public static PartsFile FromPrefix(string path, long size, long chunkSize, long have)
    {
        File.Delete(path);
        var parts = OpenOrCreate(path, size, chunkSize, dataFileExists: false);
        for (var i = 0; i < parts.Count; i++)
        {
            parts.Done[i] = Math.Clamp(have - parts.Start(i), 0, parts.Length(i));
            parts.Record(i);
        }
        return parts;
    }

    private static bool TryRead(string path, long size, out long chunkSize, out long[] done)
    {
        chunkSize = 0;
        done = [];
        if (!File.Exists(path)) return false;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || BinaryPrimitives.ReadInt64LittleEndian(bytes) != Magic ||
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) != size) return false;
        chunkSize = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (chunkSize <= 0) return false;
        var count = (int)((size + chunkSize - 1) / chunkSize);
        if (bytes.Length != HeaderSize + 8L * count) return false;
        done = new long[count];
        for (var i = 0; i < count; i++)
            done[i] = Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(HeaderSize + 8 * i)), 0, Math.Min(chunkSize, size - i * chunkSize));
        return true;
    }

    public void Record(int chunk)
    {
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(value, Volatile.Read(ref Done[chunk]));
        RandomAccess.Write(_handle, value, HeaderSize + 8L * chunk);
    }

    public void Dispose() => _handle.Dispose();
}
