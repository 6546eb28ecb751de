using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace Ava.Compiler.Binary;

/// <summary>
/// Random-access bytes of a file, an archive member or a decompressed stream. Readers pull only the ranges they need
/// (headers, symbol and string tables), so memory follows the symbol table, never the file size.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    protected ByteSource(string path) => Path = path;

    /// <summary>Display path used in messages.</summary>
    public string Path { get; }

    public abstract long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; a range past the end is damage, not a crash.</summary>
    public void Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || buffer.Length > Length || offset > Length - buffer.Length)
            throw Malformed.Error(Path, $"a table points to bytes {offset}..{offset + buffer.Length} but the data is {Length} bytes long");
        try
        {
            ReadCore(offset, buffer);
        }
        catch (IOException e)
        {
            throw Malformed.Error(Path, $"reading failed ({e.Message})");
        }
        catch (InvalidDataException e)
        {
            throw Malformed.Error(Path, $"the compressed data is corrupt ({e.Message})");
        }
    }

    public byte[] ReadArray(long offset, long count, string what, long limit = 1L << 30)
    {
        if (count < 0 || count > limit || count > Length)
            throw Malformed.Error(Path, $"the {what} claims {count} bytes, more than the {Length} bytes present");
        var buffer = GC.AllocateUninitializedArray<byte>((int)count);
        Read(offset, buffer);
        return buffer;
    }

    protected abstract void ReadCore(long offset, Span<byte> buffer);

    public ByteSource Slice(long offset, long length, string path)
    {
        if (offset < 0 || length < 0 || offset > Length || length > Length - offset)
            throw Malformed.Error(Path, $"member '{path}' runs past the end of the archive");
        return new SliceSource(this, offset, length, path);
    }

    public virtual void Dispose() { }

    private sealed class SliceSource(ByteSource parent, long start, long length, string path) : ByteSource(path)
    {
        public override long Length => length;

        protected override void ReadCore(long offset, Span<byte> buffer) => parent.ReadCore(start + offset, buffer);
    }
}

internal sealed class FileSource : ByteSource
{
    private readonly SafeFileHandle _handle;

    public FileSource(string fullPath, string displayPath) : base(displayPath)
    {
        _handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(_handle);
    }

    public override long Length { get; }

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var n = RandomAccess.Read(_handle, buffer, offset);
            if (n <= 0) throw new IOException("unexpected end of file");
            buffer = buffer[n..];
            offset += n;
        }
    }

    public override void Dispose() => _handle.Dispose();
}

internal sealed class MemorySource(byte[] bytes, string path) : ByteSource(path)
{
    public override long Length => bytes.Length;

    protected override void ReadCore(long offset, Span<byte> buffer) => bytes.AsSpan((int)offset, buffer.Length).CopyTo(buffer);
}

/// <summary>
/// The decompressed bytes of a gzip stream without holding them: one counting pass learns the length (and finds
/// corruption early); reads go forward through the stream and restart it only when a reader seeks backwards
/// (an ELF's section headers sit after its tables, so that happens about once per member).
/// </summary>
internal sealed class GzipSource : ByteSource
{
    private readonly ByteSource _compressed;
    private readonly byte[] _scratch = new byte[1 << 16];
    private Stream? _stream;
    private long _position;

    public GzipSource(ByteSource compressed, string path) : base(path)
    {
        _compressed = compressed;
        try
        {
            using var counting = Open();
            var crc = new System.IO.Hashing.Crc32();
            long total = 0;
            int n;
            while ((n = counting.Read(_scratch)) > 0)
            {
                crc.Append(_scratch.AsSpan(0, n));
                total += n;
            }
            Length = total;
            // GZipStream ends quietly on a cut-off stream; the trailer (CRC-32, size mod 2^32) is what proves it whole.
            Span<byte> trailer = stackalloc byte[8];
            if (compressed.Length < 18) throw Malformed.Error(path, "the gzip stream is truncated");
            compressed.Read(compressed.Length - 8, trailer);
            var storedCrc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            var storedSize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            if (storedCrc != crc.GetCurrentHashAsUInt32() || storedSize != (uint)total)
                throw Malformed.Error(path, "the gzip stream is truncated or corrupt (its CRC-32 or length trailer does not match the data)");
        }
        catch (InvalidDataException e)
        {
            throw Malformed.Error(path, $"the gzip data is corrupt ({e.Message})");
        }
        catch (IOException e)
        {
            throw Malformed.Error(path, $"the gzip data is corrupt ({e.Message})");
        }
    }

    public override long Length { get; }

    private GZipStream Open() => new(new SourceStream(_compressed), CompressionMode.Decompress);

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        if (_stream is null || offset < _position)
        {
            _stream?.Dispose();
            _stream = Open();
            _position = 0;
        }
        while (_position < offset)
        {
            var skip = (int)Math.Min(_scratch.Length, offset - _position);
            var n = _stream.Read(_scratch, 0, skip);
            if (n <= 0) throw new IOException("unexpected end of the gzip data");
            _position += n;
        }
        while (buffer.Length > 0)
        {
            var n = _stream.Read(buffer);
            if (n <= 0) throw new IOException("unexpected end of the gzip data");
            buffer = buffer[n..];
            _position += n;
        }
    }

    public override void Dispose() => _stream?.Dispose();
}

/// <summary>A forward-only <see cref="Stream"/> view of a <see cref="ByteSource"/> (feeds the gzip decoder).</summary>
internal sealed class SourceStream(ByteSource source) : Stream
{
    private long _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, source.Length - _position);
        if (n <= 0) return 0;
        source.Read(_position, buffer[..n]);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => source.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
