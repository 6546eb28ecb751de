using System.Globalization;
using System.Text;

namespace Ava.Compiler.Binary;

/// <summary>
/// Members of a Unix <c>ar</c> archive (static library). Handles the GNU layout (<c>/</c> symbol index, <c>//</c> long-name
/// table, <c>/123</c> references, <c>name/</c>) and the BSD one (<c>__.SYMDEF</c>, <c>#1/N</c> names stored in the data).
/// </summary>
internal static class ArReader
{
    private const int HeaderSize = 60;

    public static IEnumerable<(string Name, ByteSource Data)> Members(ByteSource src)
    {
        var path = src.Path;
        long at = 8;
        byte[]? longNames = null;
        var header = new byte[HeaderSize];
        var index = 0;
        while (at < src.Length)
        {
            if (src.Length - at == 1) yield break; // a final alignment byte
            Malformed.Check(src.Length - at >= HeaderSize, path, $"member header {index} at offset {at} is truncated");
            src.Read(at, header);
            Malformed.Check(header[58] == '`' && header[59] == '\n', path, $"member header {index} at offset {at} lacks the ar terminator");
            var rawName = Encoding.ASCII.GetString(header, 0, 16).TrimEnd(' ');
            var sizeText = Encoding.ASCII.GetString(header, 48, 10).Trim(' ');
            Malformed.Check(long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size), path,
                $"member header {index} has an invalid size '{sizeText}'");
            var dataAt = at + HeaderSize;
            Malformed.Check(size <= src.Length - dataAt, path, $"member {index} ('{rawName}') claims {size} bytes past the end of the archive");
            var next = dataAt + size + (size & 1);
            index++;

            string name;
            if (rawName is "/" or "/SYM64/" or "__.SYMDEF" or "__.SYMDEF SORTED" or "__.SYMDEF_64" or "__.SYMDEF_64 SORTED")
            {
                at = next;
                continue; // the linker's symbol index, not an object
            }
            if (rawName == "//")
            {
                longNames = src.ReadArray(dataAt, size, "long-name table");
                at = next;
                continue;
            }
            if (rawName.StartsWith("#1/", StringComparison.Ordinal))
            {
                Malformed.Check(int.TryParse(rawName.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var len) && len <= size,
                    path, $"member {index} has an invalid BSD long name '{rawName}'");
                var nameBytes = src.ReadArray(dataAt, len, "BSD long name");
                name = Encoding.UTF8.GetString(nameBytes).TrimEnd('\0');
                dataAt += len;
                size -= len;
                if (name.StartsWith("__.SYMDEF", StringComparison.Ordinal)) { at = next; continue; }
            }
            else if (rawName.Length > 1 && rawName[0] == '/' && char.IsAsciiDigit(rawName[1]))
            {
                Malformed.Check(longNames is not null, path, $"member {index} refers to a long-name table the archive does not have");
                Malformed.Check(int.TryParse(rawName.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var off) && off < longNames!.Length,
                    path, $"member {index} has a long-name offset outside the table ('{rawName}')");
                var rest = longNames.AsSpan(off);
                var end = rest.IndexOf("/\n"u8);
                if (end < 0) end = rest.IndexOf((byte)'\n');
                name = Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
            }
            else
            {
                name = rawName.EndsWith('/') ? rawName[..^1] : rawName;
            }
            yield return (name, src.Slice(dataAt, size, $"{path}!{name}"));
            at = next;
        }
    }
}
