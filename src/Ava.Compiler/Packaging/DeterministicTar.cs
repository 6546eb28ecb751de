using System.Buffers;
using System.Globalization;
using System.Text;

namespace Ava.Compiler.Packaging;

/// <summary>
/// Writes a folder as an uncompressed POSIX ustar archive whose bytes depend only on the file names and contents:
/// entries sorted by ordinal path, directories 0755 and files 0644, uid/gid 0 with empty owner names, and one fixed
/// mtime (SOURCE_DATE_EPOCH when set). File contents are streamed straight from disk into the output, so packing
/// needs no second copy of the model. The same folder always gives the same bytes (issue #9 relies on it).
/// </summary>
public static class DeterministicTar
{
    /// <summary>1980-01-01T00:00:00Z: the fixed mtime used when SOURCE_DATE_EPOCH is not set.</summary>
    public const long DefaultEpoch = 315532800;

    private const int Block = 512;

    /// <summary>GNU tar pads archives to 20 blocks (10240 bytes); we do the same so sizes match `tar cf`.</summary>
    private const int Record = 20 * Block;

    private const int CopyBuffer = 1 << 20;

    /// <summary>The mtime to stamp: SOURCE_DATE_EPOCH when it is a valid number, else <see cref="DefaultEpoch"/>.</summary>
    public static long EpochFrom(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("SOURCE_DATE_EPOCH", out var raw)
        && long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 077777777777
            ? v
            : DefaultEpoch;

    /// <summary>
    /// Archives <paramref name="folder"/> under the top-level name <paramref name="rootName"/> into <paramref name="output"/>.
    /// Returns the number of bytes written.
    /// </summary>
    public static long Write(string folder, string rootName, Stream output, long mtime = DefaultEpoch, Action<long>? progress = null)
    {
        var entries = Enumerate(Path.GetFullPath(folder), rootName);
        long written = 0;
        var header = new byte[Block];
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            foreach (var (name, path, isDirectory) in entries)
            {
                long size = isDirectory ? 0 : new FileInfo(path).Length;
                FillHeader(header, name, isDirectory, size, mtime);
                output.Write(header);
                written += Block;
                if (isDirectory) continue;

                using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
                {
                    long copied = 0;
                    int n;
                    while (copied < size && (n = input.Read(buffer, 0, (int)Math.Min(CopyBuffer, size - copied))) > 0)
                    {
                        output.Write(buffer, 0, n);
                        copied += n;
                        progress?.Invoke(n);
                    }
                    if (copied != size)
                        throw new IOException($"'{path}' changed size while it was being packed ({size} bytes expected, {copied} read).");
                }
                written += size;
                var pad = (int)((Block - size % Block) % Block);
                if (pad > 0)
                {
                    output.Write(new byte[pad]);
                    written += pad;
                }
            }
            // End of archive: two zero blocks, then zeros up to a whole record.
            var end = 2 * Block + (int)((Record - (written + 2 * Block) % Record) % Record);
            output.Write(new byte[end]);
            written += end;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return written;
    }

    private static List<(string Name, string Path, bool IsDirectory)> Enumerate(string folder, string rootName)
    {
        if (rootName.Length == 0 || rootName.Contains('/')) throw new ArgumentException("The root name must be one path segment.", nameof(rootName));
        var list = new List<(string, string, bool)> { (rootName + "/", folder, true) };
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = Path.GetRelativePath(folder, entry).Replace('\\', '/');
            var isDirectory = Directory.Exists(entry);
            if (!isDirectory && new FileInfo(entry).LinkTarget is not null)
                throw new IOException($"'{entry}' is a symbolic link; a package holds regular files only.");
            list.Add(($"{rootName}/{rel}{(isDirectory ? "/" : "")}", entry, isDirectory));
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    private static void FillHeader(byte[] h, string name, bool isDirectory, long size, long mtime)
    {
        Array.Clear(h);
        var (prefix, shortName) = SplitName(name);
        Ascii(h, 0, 100, shortName);
        Octal(h, 100, 8, isDirectory ? 0b111_101_101 : 0b110_100_100);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, mtime);
        h[156] = (byte)(isDirectory ? '5' : '0');
        Ascii(h, 257, 6, "ustar");
        h[263] = (byte)'0';
        h[264] = (byte)'0';
        Octal(h, 329, 8, 0);
        Octal(h, 337, 8, 0);
        Ascii(h, 345, 155, prefix);
        // The checksum is computed with its own field read as spaces.
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        var sum = 0;
        foreach (var b in h) sum += b;
        // Six digits, NUL, space: the exact form GNU tar writes, so `tar cf` in reproducible mode gives identical bytes.
        Octal(h, 148, 7, sum);
        h[154] = 0;
        h[155] = (byte)' ';
    }

    /// <summary>ustar keeps names up to 100 bytes, or 155 + '/' + 100 split at a slash.</summary>
    private static (string Prefix, string Name) SplitName(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= 100) return ("", name);
        var trimmed = name.TrimEnd('/');
        for (var i = trimmed.LastIndexOf('/'); i > 0; i = trimmed.LastIndexOf('/', i - 1))
        {
            var prefix = name[..i];
            var rest = name[(i + 1)..];
            if (Encoding.UTF8.GetByteCount(prefix) <= 155 && Encoding.UTF8.GetByteCount(rest) <= 100) return (prefix, rest);
        }
        throw new IOException($"The path '{name}' is too long for a ustar archive (at most 155 + 100 bytes split at a '/').");
    }

    private static void Ascii(byte[] h, int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > length) throw new IOException($"'{value}' does not fit a {length}-byte tar header field.");
        bytes.CopyTo(h, offset);
    }

    /// <summary>Zero-padded octal with a terminating NUL, as GNU tar writes it.</summary>
    private static void Octal(byte[] h, int offset, int length, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        if (text.Length > length - 1) throw new IOException($"The value {value} does not fit a {length}-byte tar header field (files over 8 GiB are not supported).");
        Ascii(h, offset, length, text);
    }
}
