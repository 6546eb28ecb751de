using System.Buffers.Binary;

namespace Ava.Compiler.Binary;

/// <summary>
/// Reads a Mach-O header, its load commands (for section names) and the LC_SYMTAB symbol table. C names carry a
/// leading underscore in Mach-O; <see cref="BinarySymbol.Name"/> has it removed so rules compare one spelling.
/// Fat (universal) files are read slice by slice through <see cref="ReadFat"/>.
/// </summary>
internal static class MachOReader
{
    private const uint LcSegment = 0x1, LcSymtab = 0x2, LcSegment64 = 0x19;
    private const byte NStab = 0xe0, NPext = 0x10, NTypeMask = 0x0e, NExt = 0x01;
    private const byte NUndf = 0x0, NAbs = 0x2, NSect = 0xe, NIndr = 0xa;
    private const ushort NWeakRef = 0x40, NWeakDef = 0x80;

    public static BinaryObject Read(ByteSource src)
    {
        var path = src.Path;
        Malformed.Check(src.Length >= 28, path, "the Mach-O header is truncated");
        Span<byte> magicBytes = stackalloc byte[4];
        src.Read(0, magicBytes);
        var le = BinaryPrimitives.ReadUInt32LittleEndian(magicBytes);
        var big = !(le is 0xfeedface or 0xfeedfacf);
        var magic = big ? BinaryPrimitives.ReadUInt32BigEndian(magicBytes) : le;
        Malformed.Check(magic is 0xfeedface or 0xfeedfacf, path, "bad Mach-O magic");
        var is64 = magic == 0xfeedfacf;
        var headerSize = is64 ? 32 : 28;
        Malformed.Check(src.Length >= headerSize, path, "the Mach-O header is truncated");
        var header = new byte[headerSize];
        src.Read(0, header);
        var h = new Fields(header, big);
        var cputype = unchecked((int)h.U32(4));
        var filetype = h.U32(12);
        var ncmds = h.U32(16);
        var sizeofcmds = h.U32(20);
        Malformed.Check(sizeofcmds <= src.Length - headerSize, path, $"the load commands claim {sizeofcmds} bytes that do not fit in the file");
        Malformed.Check(ncmds <= sizeofcmds / 8, path, $"{ncmds} load commands cannot fit in {sizeofcmds} bytes");

        var kind = filetype switch { 1 => ObjectKind.Relocatable, 2 => ObjectKind.Executable, 6 or 8 => ObjectKind.SharedLibrary, _ => ObjectKind.Other };
        var obj = new BinaryObject(path, ObjectFormat.MachO, is64 ? 64 : 32, big, cputype, Architecture(cputype), kind, []);

        var cmds = src.ReadArray(headerSize, sizeofcmds, "load command area");
        var sectionNames = new List<string> { "" }; // n_sect is 1-based
        var sectionSpans = new List<(ulong Addr, ulong Size, uint Offset)> { default };
        (uint SymOff, uint NSyms, uint StrOff, uint StrSize)? symtab = null;
        var at = 0;
        for (var i = 0; i < ncmds; i++)
        {
            Malformed.Check(at + 8 <= cmds.Length, path, $"load command {i} starts past the load command area");
            var c = new Fields(cmds.AsSpan(at), big);
            var cmd = c.U32(0);
            var size = c.U32(4);
            Malformed.Check(size >= 8 && size <= cmds.Length - at, path, $"load command {i} has an invalid size {size}");
            if (cmd is LcSegment or LcSegment64)
            {
                var seg64 = cmd == LcSegment64;
                var segHeader = seg64 ? 72 : 56;
                var sectSize = seg64 ? 80 : 68;
                Malformed.Check(size >= segHeader, path, $"segment command {i} is truncated");
                var nsects = c.U32(seg64 ? 64 : 48);
                Malformed.Check(nsects <= (size - segHeader) / sectSize, path, $"segment command {i} claims {nsects} sections that do not fit");
                for (var s = 0; s < nsects; s++)
                {
                    var sect = cmds.AsSpan(at + segHeader + s * sectSize, sectSize);
                    sectionNames.Add($"{FixedName(sect[16..32])},{FixedName(sect[..16])}");
                    var sf = new Fields(sect, big);
                    sectionSpans.Add(seg64 ? (sf.U64(32), sf.U64(40), sf.U32(48)) : (sf.U32(32), sf.U32(36), sf.U32(40)));
                }
            }
            else if (cmd == LcSymtab)
            {
                Malformed.Check(size >= 24, path, "the LC_SYMTAB command is truncated");
                symtab = (c.U32(8), c.U32(12), c.U32(16), c.U32(20));
            }
            at += (int)size;
        }
        if (symtab is not { } st) return obj;

        var entry = is64 ? 16 : 12;
        Malformed.Check((long)st.NSyms * entry <= src.Length - (long)st.SymOff && st.SymOff <= src.Length, path,
            $"the symbol table ({st.NSyms} entries at offset {st.SymOff}) runs past the end of the file");
        Malformed.Check(st.StrOff <= src.Length && st.StrSize <= src.Length - st.StrOff, path,
            $"the string table (offset {st.StrOff}, {st.StrSize} bytes) runs past the end of the file");
        var symBytes = src.ReadArray(st.SymOff, (long)st.NSyms * entry, "symbol table");
        var strBytes = src.ReadArray(st.StrOff, st.StrSize, "string table");

        string?[] sections = [.. sectionNames, "*ABS*", "*INDR*", "*COM*"];
        int abs = sectionNames.Count, indr = abs + 1, com = abs + 2;
        var symbols = new SymbolTable.Builder((int)Math.Min(st.NSyms, 1 << 20), strBytes.Length);
        (string Name, int Section, ulong Value)? blobSymbol = null;
        for (var i = 0; i < st.NSyms; i++)
        {
            var e = new Fields(symBytes.AsSpan(i * entry, entry), big);
            var strx = e.U32(0);
            var type = symBytes[i * entry + 4];
            var sect = symBytes[i * entry + 5];
            var desc = e.U16(6);
            if ((type & NStab) != 0) continue; // debugger entries
            if (strx >= (uint)strBytes.Length) throw Malformed.Error(path, $"symbol {i} names offset {strx} outside the string table");
            var length = strBytes.AsSpan((int)strx).IndexOf((byte)0);
            if (length < 0) length = strBytes.Length - (int)strx;
            if (length == 0) continue;
            var t = type & NTypeMask;
            var defined = t != NUndf || (t == NUndf && e.Word(8, is64) != 0 && (type & NExt) != 0); // common symbols
            var common = t == NUndf && defined;
            var external = (type & NExt) != 0 && (type & NPext) == 0;
            var weak = (desc & (defined ? NWeakDef : NWeakRef)) != 0;
            var binding = !external ? SymbolBinding.Local : weak ? SymbolBinding.Weak : SymbolBinding.Global;
            var section = t switch
            {
                NSect => sect < sectionNames.Count ? sect : throw Malformed.Error(path, $"symbol '{StringTable.NameAt(strBytes, strx)}' points to section {sect} of {sectionNames.Count - 1}"),
                NAbs => abs,
                NIndr => indr,
                _ => common ? com : -1,
            };
            var symType = common ? SymbolType.Common
                : section < 0 ? SymbolType.None
                : sections[section]!.EndsWith(",__text", StringComparison.Ordinal) ? SymbolType.Function
                : t == NSect ? SymbolType.Object : SymbolType.Other;
            // C names carry a leading '_' in Mach-O; a lone "_" stays as it is.
            var skipsUnderscore = length > 1 && strBytes[strx] == (byte)'_';
            symbols.Add(strBytes.AsSpan((int)strx, length), skipsUnderscore, defined, binding, symType, section);
            if (blobSymbol is null && t == NSect && TvmBlobReader.IsBlobSymbol(strBytes.AsSpan((int)strx, length)))
                blobSymbol = (StringTable.NameAt(strBytes, strx)![(skipsUnderscore ? 1 : 0)..], section, e.Word(8, is64));
        }
        PackedBlob? blob = null;
        if (blobSymbol is { } b)
        {
            // Mach-O symbols carry no size: the blob's own u64 length header bounds it within its section.
            var (addr, size, offset) = sectionSpans[b.Section];
            var within = b.Value - addr;
            blob = b.Value < addr || within >= size || offset > (ulong)src.Length || size > (ulong)src.Length - offset || size - within < 8
                ? new PackedBlob(b.Name, "unknown", [], null, "the blob symbol lies outside its section or the file")
                : TvmBlobReader.Read(src, (long)(offset + within), (long)(size - within), b.Name);
        }
        return obj with { Symbols = symbols.Build(sections), Blob = blob };
    }

    /// <summary>Each architecture slice of a universal binary, as its own source.</summary>
    public static IEnumerable<ByteSource> FatSlices(ByteSource src)
    {
        Malformed.Check(src.Length >= 8, src.Path, "the universal (fat) header is truncated");
        var head = new byte[8];
        src.Read(0, head);
        var is64 = BinaryPrimitives.ReadUInt32BigEndian(head) == 0xcafebabf;
        var n = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4));
        var entry = is64 ? 32 : 20;
        var table = src.ReadArray(8, (long)n * entry, "fat architecture table");
        for (var i = 0; i < n; i++)
        {
            var f = new Fields(table.AsSpan(i * entry, entry), bigEndian: true);
            var cpu = unchecked((int)f.U32(0));
            var offset = is64 ? (long)Math.Min(f.U64(8), long.MaxValue) : f.U32(8);
            var size = is64 ? (long)Math.Min(f.U64(16), long.MaxValue) : f.U32(12);
            yield return src.Slice(offset, size, $"{src.Path}[{Architecture(cpu)}]");
        }
    }

    private static string FixedName(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    public static string Architecture(int cputype) => cputype switch
    {
        0x0100000c => "arm64",
        0x0200000c => "arm64_32",
        0x01000007 => "x86_64",
        7 => "x86",
        12 => "arm",
        _ => $"macho-cpu-{cputype:x}",
    };
}
