using System.Globalization;
using System.Text;

namespace Ava.Compiler.Binary;

/// <summary>
/// Regular-file members of a tar archive (ustar, GNU and pax, as written by GNU tar, Python's tarfile and bsdtar).
/// Members are views into the archive, never extracted.
/// </summary>
internal static class TarReader
{
    private const int Block = 512;

    public static bool LooksLikeHeader(ReadOnlySpan<byte> head) =>
        head.Length >= Block && (head[257..262].SequenceEqual("ustar"u8) || ChecksumMatches(head)) && head[0] != 0;

    /// <summary>Regular-file members, read in place. Links, devices and folders are listed by <see cref="Entries"/>.</summary>
    public static IEnumerable<(string Name, ByteSource Data)> Members(ByteSource src)
    {
        foreach (var e in Entries(src))
            if (e.Type is TarMemberType.File)
                yield return (e.Name, src.Slice(e.DataOffset, e.Size, $"{src.Path}!{e.Name}"));
    }

    /// <summary>
    /// Every member as the unpacker on the phone would see it: name (after GNU long names and pax <c>path</c>), type,
    /// link target (after GNU long links and pax <c>linkpath</c>) and where its data is. An archive that stops before its
    /// end-of-archive marker (two zero blocks) was cut short and is damage, even when the cut falls on a header boundary.
    /// </summary>
    public static IEnumerable<TarMember> Entries(ByteSource src)
    {
        var path = src.Path;
        long at = 0;
        var header = new byte[Block];
        string? longName = null, paxPath = null, longLink = null, paxLink = null;
        var index = 0;
        while (true)
        {
            Malformed.Check(at + Block <= src.Length, path,
                $"the tar archive ends at byte {src.Length} without its end-of-archive marker: it was cut short");
            src.Read(at, header);
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0) yield break; // end-of-archive marker
            Malformed.Check(ChecksumMatches(header), path, $"tar header {index} at offset {at} has a wrong checksum");
            var size = ParseNumber(header.AsSpan(124, 12), path, index);
            var type = (char)header[156];
            var dataAt = at + Block;
            Malformed.Check(size <= src.Length - dataAt, path, $"tar member {index} claims {size} bytes past the end of the archive");
            var next = dataAt + (size + Block - 1) / Block * Block;
            index++;

            switch (type)
            {
                case 'L': // GNU long name: the next header's name
                    longName = CString(src.ReadArray(dataAt, Math.Min(size, 1 << 16), "GNU long name"));
                    break;
                case 'K': // GNU long link target
                    longLink = CString(src.ReadArray(dataAt, Math.Min(size, 1 << 16), "GNU long link name"));
                    break;
                case 'x': // pax extended header for the next member
                    var pax = src.ReadArray(dataAt, Math.Min(size, 1 << 20), "pax header");
                    paxPath = PaxValue(pax, "path", path) ?? paxPath;
                    paxLink = PaxValue(pax, "linkpath", path) ?? paxLink;
                    break;
                case 'g': // pax global header: applies to the archive, not a member
                    break;
                default:
                    var name = paxPath ?? longName ?? HeaderName(header);
                    var link = paxLink ?? longLink ?? CString(header.AsSpan(157, 100));
                    longName = paxPath = longLink = paxLink = null;
                    yield return new TarMember(index - 1, name, Classify(type), type, link, dataAt, size);
                    break;
            }
            at = next;
        }
    }

    private static TarMemberType Classify(char type) => type switch
    {
        '0' or '\0' or '7' => TarMemberType.File,
        '5' => TarMemberType.Directory,
        '1' => TarMemberType.HardLink,
        '2' => TarMemberType.SymbolicLink,
        '3' => TarMemberType.CharacterDevice,
        '4' => TarMemberType.BlockDevice,
        '6' => TarMemberType.Fifo,
        _ => TarMemberType.Other, // GNU sparse 'S', dump dir 'D', volume 'V', multi-volume 'M', vendor types
    };

    private static string HeaderName(byte[] h)
    {
        var name = CString(h.AsSpan(0, 100));
        if (h.AsSpan(257, 5).SequenceEqual("ustar"u8) && h[345] != 0)
        {
            var prefix = CString(h.AsSpan(345, 155));
            if (prefix.Length > 0) name = prefix + "/" + name;
        }
        return name;
    }

    private static string CString(ReadOnlySpan<byte> s)
    {
        var end = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? s : s[..end]);
    }

    /// <summary>
    /// The value of <paramref name="key"/> in a pax extended header. Records are "&lt;len&gt; key=value\n" where len counts
    /// the whole record (POSIX pax); a record that does not parse is damage, as it is for tar(1) and System.Formats.Tar.
    /// </summary>
    private static string? PaxValue(byte[] data, string key, string path)
    {
        string? found = null;
        var at = 0;
        while (at < data.Length && data[at] != 0)
        {
            var space = Array.IndexOf(data, (byte)' ', at);
            var ok = space > at && space - at <= 10;
            long len = 0;
            for (var i = at; ok && i < space; i++)
            {
                ok = data[i] is >= (byte)'0' and <= (byte)'9';
                len = len * 10 + (data[i] - '0');
            }
            ok = ok && len > space - at + 2 && at + len <= data.Length && data[at + len - 1] == '\n';
            Malformed.Check(ok, path, $"a pax extended header has a record that does not parse at byte {at}");
            var record = Encoding.UTF8.GetString(data, space + 1, (int)(at + len - 1 - (space + 1)));
            var eq = record.IndexOf('=');
            Malformed.Check(eq > 0, path, $"a pax extended header record at byte {at} has no key=value");
            if (record.AsSpan(0, eq).SequenceEqual(key)) found = record[(eq + 1)..];
            at += (int)len;
        }
        return found;
    }

    private static long ParseNumber(ReadOnlySpan<byte> field, string path, int index)
    {
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256 for sizes of 8 GiB and more.
            long v = field[0] & 0x3f;
            for (var i = 1; i < field.Length; i++)
            {
                Malformed.Check(v < (1L << 54), path, $"tar member {index} has an impossible size");
                v = (v << 8) | field[i];
            }
            return v;
        }
        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        if (text.Length == 0) return 0;
        long value = 0;
        foreach (var c in text)
        {
            Malformed.Check(c is >= '0' and <= '7' && value < (1L << 60), path, $"tar member {index} has an invalid size field '{text}'");
            value = value * 8 + (c - '0');
        }
        return value;
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> h)
    {
        if (h.Length < Block) return false;
        var text = Encoding.ASCII.GetString(h.Slice(148, 8)).Trim(' ', '\0');
        if (text.Length == 0) return false;
        long stored = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7') return false;
            stored = stored * 8 + (c - '0');
        }
        long sum = 0;
        for (var i = 0; i < Block; i++) sum += i is >= 148 and < 156 ? ' ' : h[i];
        return sum == stored;
    }
}

internal enum TarMemberType { File, Directory, HardLink, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Other }

/// <summary>One tar header as an unpacker sees it. <see cref="TypeFlag"/> is the raw type byte (for messages).</summary>
internal sealed record TarMember(int Index, string Name, TarMemberType Type, char TypeFlag, string LinkName, long DataOffset, long Size);
