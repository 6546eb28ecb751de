using System.Buffers.Binary;

namespace Ava.Compiler.Binary;

public enum ContentKind { Unknown, Elf, MachO, MachOFat, Ar, ThinAr, Tar, Gzip, AppleDouble, Empty }

/// <summary>Tells formats apart by their first bytes, never by the file name (TVM writes gzip under a .tar name).</summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> wants (a tar's magic sits at offset 257).</summary>
    public const int HeadLength = 512;

    public static ContentKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return ContentKind.Empty;
        if (head.StartsWith("\u007fELF"u8)) return ContentKind.Elf;
        if (head.Length >= 4)
        {
            var be = BinaryPrimitives.ReadUInt32BigEndian(head);
            var le = BinaryPrimitives.ReadUInt32LittleEndian(head);
            if (le is 0xfeedface or 0xfeedfacf || be is 0xfeedface or 0xfeedfacf) return ContentKind.MachO;
            // 0xcafebabe is also a Java class file; a fat header has a small architecture count where a class file has its version.
            if ((be is 0xcafebabe or 0xcafebabf) && head.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(head[4..]) is > 0 and < 32)
                return ContentKind.MachOFat;
            if (be == 0x00051607) return ContentKind.AppleDouble;
        }
        if (head.StartsWith("!<arch>\n"u8)) return ContentKind.Ar;
        if (head.StartsWith("!<thin>\n"u8)) return ContentKind.ThinAr;
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b) return ContentKind.Gzip;
        if (TarReader.LooksLikeHeader(head)) return ContentKind.Tar;
        return ContentKind.Unknown;
    }
}
