namespace Ava.Compiler.Binary;

/// <summary>
/// The dynamic section of an ELF shared object: its <c>DT_SONAME</c> and the <c>DT_NEEDED</c> libraries the dynamic
/// linker loads with it (how a standard TVM build's libtvm_runtime.so pulls in libtvm_ffi.so). Read from the
/// <c>SHT_DYNAMIC</c> section and its linked string table, or — when the section headers are stripped — from the
/// <c>PT_DYNAMIC</c> segment, whose <c>DT_STRTAB</c> address is mapped to a file offset through the <c>PT_LOAD</c>
/// segments, as the dynamic linker itself does. Every offset and count is checked against the bytes present.
/// </summary>
internal static class ElfDynamic
{
    public const uint ShtDynamic = 6;
    private const uint PtLoad = 1, PtDynamic = 2;
    private const long DtNull = 0, DtNeeded = 1, DtStrtab = 5, DtStrsz = 10, DtSoname = 14;

    /// <summary>Dynamic tables larger than this are damage (a real one holds a few dozen entries).</summary>
    private const ulong MaxBytes = 1 << 20;

    public sealed record Info(string? Soname, IReadOnlyList<string> Needed)
    {
        public static Info None { get; } = new(null, []);
    }

    /// <summary>From the SHT_DYNAMIC section (<paramref name="strings"/> is the section its sh_link names).</summary>
    public static Info FromSection(ByteSource src, ulong offset, ulong size, byte[] strings, bool is64, bool big)
    {
        var entries = ReadEntries(src, offset, size, is64, big);
        return Resolve(src, entries, strings);
    }

    /// <summary>From the program headers, for a shared object without section headers.</summary>
    public static Info FromSegments(ByteSource src, ulong phoff, int phentsize, int phnum, bool is64, bool big)
    {
        var minEnt = is64 ? 56 : 32;
        if (phoff == 0 || phnum == 0) return Info.None;
        Malformed.Check(phentsize >= minEnt, src.Path, $"program header entries are {phentsize} bytes, less than {minEnt}");
        var table = src.ReadArray((long)phoff, (long)phentsize * phnum, "program header table");
        var loads = new List<(ulong VAddr, ulong Offset, ulong FileSize)>();
        (ulong Offset, ulong Size)? dynamic = null;
        for (var i = 0; i < phnum; i++)
        {
            var p = new Fields(table.AsSpan(i * phentsize, minEnt), big);
            var type = p.U32(0);
            var (off, vaddr, filesz) = is64 ? (p.U64(8), p.U64(16), p.U64(32)) : (p.U32(4), p.U32(8), (ulong)p.U32(16));
            if (type == PtLoad) loads.Add((vaddr, off, filesz));
            else if (type == PtDynamic) dynamic = (off, filesz);
        }
        if (dynamic is not { } d) return Info.None;
        var entries = ReadEntries(src, d.Offset, d.Size, is64, big);
        ulong? strtab = null, strsz = null;
        foreach (var (tag, value) in entries)
        {
            if (tag == DtStrtab) strtab = value;
            else if (tag == DtStrsz) strsz = value;
        }
        if (strtab is null || strsz is null)
        {
            Malformed.Check(!entries.Any(e => e.Tag is DtNeeded or DtSoname), src.Path, "the dynamic segment names libraries but has no DT_STRTAB/DT_STRSZ");
            return Info.None;
        }
        var load = loads.FirstOrDefault(l => strtab >= l.VAddr && strtab - l.VAddr < l.FileSize);
        Malformed.Check(load.FileSize > 0, src.Path, $"the dynamic string table address 0x{strtab:x} lies in no loaded segment");
        var start = load.Offset + (strtab.Value - load.VAddr);
        Malformed.Check(strsz <= MaxBytes && start <= (ulong)src.Length && strsz <= (ulong)src.Length - start, src.Path,
            $"the dynamic string table (offset {start}, {strsz} bytes) runs past the end of the file ({src.Length} bytes)");
        var strings = src.ReadArray((long)start, (long)strsz.Value, "dynamic string table");
        return Resolve(src, entries, strings);
    }

    private static List<(long Tag, ulong Value)> ReadEntries(ByteSource src, ulong offset, ulong size, bool is64, bool big)
    {
        var entSize = is64 ? 16 : 8;
        Malformed.Check(size <= MaxBytes && offset <= (ulong)src.Length && size <= (ulong)src.Length - offset, src.Path,
            $"the dynamic section (offset {offset}, {size} bytes) runs past the end of the file ({src.Length} bytes)");
        var bytes = src.ReadArray((long)offset, (long)size, "dynamic section");
        var list = new List<(long, ulong)>();
        for (var at = 0; at + entSize <= bytes.Length; at += entSize)
        {
            var f = new Fields(bytes.AsSpan(at, entSize), big);
            var tag = is64 ? (long)f.U64(0) : (int)f.U32(0);
            if (tag == DtNull) break;
            list.Add((tag, is64 ? f.U64(8) : f.U32(4)));
        }
        return list;
    }

    private static Info Resolve(ByteSource src, List<(long Tag, ulong Value)> entries, byte[] strings)
    {
        string? soname = null;
        var needed = new List<string>();
        foreach (var (tag, value) in entries)
        {
            if (tag is not (DtNeeded or DtSoname)) continue;
            var name = StringTable.NameAt(strings, value)
                ?? throw Malformed.Error(src.Path, $"a {(tag == DtNeeded ? "DT_NEEDED" : "DT_SONAME")} entry names offset {value} outside the dynamic string table");
            if (name.Length == 0) continue;
            if (tag == DtSoname) soname = name;
            else if (!needed.Contains(name)) needed.Add(name);
        }
        return new Info(soname, needed);
    }
}
