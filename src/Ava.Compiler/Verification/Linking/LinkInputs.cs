using System.Formats.Tar;
using System.IO.Compression;

namespace Ava.Compiler.Verification.Linking;

/// <summary>
/// The objects of each model library written to a private temp folder for the linker only (tar / .ALM / gzip members,
/// or copies of .o / .a / .so files), with the map from the linker's relative paths back to the names users know
/// (<c>model.tar!lib0.o</c>). Disposing deletes the folder, so nothing the proof writes survives it.
/// </summary>
internal sealed class LinkInputs : IDisposable
{
    public string Root { get; }

    /// <summary>Per library (same order as given): the relative paths passed to the linker.</summary>
    public List<List<string>> Files { get; } = [];

    /// <summary>Relative path → display name; and relative path → index of the library it came from.</summary>
    public Dictionary<string, string> Display { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Owner { get; } = new(StringComparer.Ordinal);

    private LinkInputs(string root) => Root = root;

    public static LinkInputs Write(IReadOnlyList<VerifyInput> libraries)
    {
        var inputs = new LinkInputs(Directory.CreateTempSubdirectory("alc-link-").FullName);
        try
        {
            for (var i = 0; i < libraries.Count; i++)
            {
                inputs.Files.Add([]);
                inputs.Add(i, libraries[i].Path, libraries[i].Display);
            }
            return inputs;
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
    }

    private void Add(int lib, string path, string display)
    {
        if (Directory.Exists(path))
        {
            foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                Add(lib, f, display + "/" + Path.GetRelativePath(path, f).Replace('\\', '/'));
            return;
        }
        using var s = File.OpenRead(path);
        AddStream(lib, s, display);
    }

    private void AddStream(int lib, Stream s, string display)
    {
        var head = new byte[512];
        var n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var kind = Sniff(head.AsSpan(0, n));
        var rest = new ConcatStream(head.AsSpan(0, n).ToArray(), s);
        switch (kind)
        {
            case Kind.Gzip:
                using (var gz = new GZipStream(rest, CompressionMode.Decompress, leaveOpen: true)) AddStream(lib, gz, display);
                break;
            case Kind.Tar:
                using (var tar = new TarReader(rest, leaveOpen: true))
                    while (tar.GetNextEntry() is { } e)
                    {
                        if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || e.DataStream is null) continue;
                        var name = e.Name.Replace('\\', '/');
                        if (Path.GetFileName(name).StartsWith("._", StringComparison.Ordinal)) continue; // AppleDouble metadata
                        AddStream(lib, e.DataStream, display + "!" + name.TrimStart('.', '/'));
                    }
                break;
            case Kind.Object:
                var rel = $"L{lib}/{Files[lib].Count}-{Safe(display)}";
                Directory.CreateDirectory(Path.Combine(Root, $"L{lib}"));
                using (var o = File.Create(Path.Combine(Root, rel))) rest.CopyTo(o);
                Files[lib].Add(rel);
                Display[rel] = display;
                Owner[rel] = lib;
                break;
        }
    }

    private enum Kind { Other, Gzip, Tar, Object }

    private static Kind Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 2 && b[0] == 0x1f && b[1] == 0x8b) return Kind.Gzip;
        if (b.Length >= 4 && b[0] == 0x7f && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F') return Kind.Object;
        if (b.Length >= 8 && b[..8].SequenceEqual("!<arch>\n"u8)) return Kind.Object;
        if (b.Length >= 262 && b.Slice(257, 5).SequenceEqual("ustar"u8)) return Kind.Tar;
        return Kind.Other;
    }

    /// <summary>A short file name the linker prints unchanged (keeps the extension so lld's messages read naturally).</summary>
    private static string Safe(string display)
    {
        var name = display[(Math.Max(display.LastIndexOf('!'), display.LastIndexOf('/')) + 1)..];
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray();
        return chars.Length == 0 ? "object" : new string(chars);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The sniffed head followed by the rest of a non-seekable stream.</summary>
    private sealed class ConcatStream(byte[] head, Stream tail) : Stream
    {
        private int _pos;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pos < head.Length)
            {
                var n = Math.Min(count, head.Length - _pos);
                Array.Copy(head, _pos, buffer, offset, n);
                _pos += n;
                return n;
            }
            return tail.Read(buffer, offset, count);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
