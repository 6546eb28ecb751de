using System.Buffers;

namespace Ava.Compiler.Binary;

/// <summary>
/// Reads the header and one symbol table of an ELF file: <c>.symtab</c> for relocatable objects, <c>.dynsym</c> for
/// shared libraries and executables (what the dynamic linker resolves). Only the section headers, the symbol table and
/// its string table are read; every offset and count is checked against the data actually present.
/// </summary>
internal static class ElfReader
{
    private const uint ShtSymtab = 2, ShtDynsym = 11, ShtNobits = 8;
    private const ushort ShnUndef = 0, ShnLoReserve = 0xff00, ShnAbs = 0xfff1, ShnCommon = 0xfff2, ShnXindex = 0xffff;

    public static BinaryObject Read(ByteSource src)
    {
        var path = src.Path;
        Malformed.Check(src.Length >= 16, path, "the ELF identification is truncated");
        Span<byte> ident = stackalloc byte[16];
        src.Read(0, ident);
        var elfClass = ident[4];
        var data = ident[5];
        Malformed.Check(elfClass is 1 or 2, path, $"unknown ELF class {elfClass}");
        Malformed.Check(data is 1 or 2, path, $"unknown ELF data encoding {data}");
        var is64 = elfClass == 2;
        var big = data == 2;
        var ehSize = is64 ? 64 : 52;
        Malformed.Check(src.Length >= ehSize, path, "the ELF header is truncated");
        var eh = new byte[ehSize];
        src.Read(0, eh);
        var f = new Fields(eh, big);
        var type = f.U16(16);
        var machine = f.U16(18);
        var shoff = f.Word(is64 ? 40 : 32, is64);
        var shentsize = f.U16(is64 ? 58 : 46);
        long shnum = f.U16(is64 ? 60 : 48);
        long shstrndx = f.U16(is64 ? 62 : 50);

        var kind = type switch { 1 => ObjectKind.Relocatable, 2 => ObjectKind.Executable, 3 => ObjectKind.SharedLibrary, _ => ObjectKind.Other };
        var obj = new BinaryObject(path, ObjectFormat.Elf, is64 ? 64 : 32, big, machine, Architecture(machine), kind, []);
        var phoff = f.Word(is64 ? 32 : 28, is64);
        int phentsize = f.U16(is64 ? 54 : 42), phnum = f.U16(is64 ? 56 : 44);
        if (shoff == 0) // no section headers: no symbols to link against, but a shared object's DT_NEEDED still counts
            return kind == ObjectKind.Relocatable ? obj : obj.WithDynamic(ElfDynamic.FromSegments(src, phoff, phentsize, phnum, is64, big));

        var minEnt = is64 ? 64 : 40;
        Malformed.Check(shentsize >= minEnt, path, $"section header entries are {shentsize} bytes, less than {minEnt}");
        Malformed.Check(shoff < (ulong)src.Length, path, "the section header table starts past the end of the file");

        // Extended numbering: a zero count or SHN_XINDEX string-table index lives in section 0.
        var first = new byte[minEnt];
        src.Read((long)shoff, first);
        var f0 = new Fields(first, big);
        if (shnum == 0) shnum = (long)f0.Word(is64 ? 32 : 20, is64);
        if (shstrndx == ShnXindex) shstrndx = f0.U32(is64 ? 40 : 24);
        Malformed.Check(shnum > 0 && shnum <= (src.Length - (long)shoff) / shentsize, path,
            $"the section header table claims {shnum} entries that do not fit in the file");

        var table = src.ReadArray((long)shoff, shnum * shentsize, "section header table");
        var sections = new Section[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var s = new Fields(table.AsSpan((int)(i * shentsize), minEnt), big);
            sections[i] = is64
                ? new Section(s.U32(0), s.U32(4), s.U64(24), s.U64(32), s.U32(40), s.U64(56), s.U64(16))
                : new Section(s.U32(0), s.U32(4), s.U32(16), s.U32(20), s.U32(24), s.U32(36), s.U32(12));
        }

        var wanted = kind == ObjectKind.Relocatable ? ShtSymtab : ShtDynsym;
        var symIndex = Array.FindIndex(sections, s => s.Type == wanted);
        if (symIndex < 0 && kind != ObjectKind.Relocatable) symIndex = Array.FindIndex(sections, s => s.Type == ShtSymtab);
        if (symIndex < 0) symIndex = Array.FindIndex(sections, s => s.Type is ShtSymtab or ShtDynsym);
        // .dynamic follows .dynsym/.dynstr in the file: read after them, so a gzip-backed source never restarts.
        BinaryObject WithNeeded(BinaryObject o) =>
            kind == ObjectKind.Relocatable ? o : o.WithDynamic(Dynamic(src, sections, phoff, phentsize, phnum, is64, big));
        if (symIndex < 0) return WithNeeded(obj); // a stripped object exports and imports nothing

        var sym = sections[symIndex];
        var symSize = is64 ? 24 : 16;
        Malformed.Check(sym.EntSize == 0 || sym.EntSize >= (ulong)symSize, path, $"symbol entries are {sym.EntSize} bytes, less than {symSize}");
        var entSize = sym.EntSize == 0 ? (ulong)symSize : sym.EntSize;
        Malformed.Check(sym.Link < sections.Length && sym.Link != symIndex, path, "the symbol table's string table index is invalid");
        var strSec = sections[sym.Link];
        CheckRange(src, sym, "symbol table");
        CheckRange(src, strSec, "symbol string table");
        Malformed.Check(sym.Size <= MaxTableBytes, path, $"the symbol table claims {sym.Size} bytes, more than alc reads ({MaxTableBytes})");
        var count = (int)(sym.Size / entSize);

        // The raw entries are kept only as (name offset, info, section index) while the string table is read; both are
        // read in file order so a gzip-backed source does not restart, and the symbol table in small chunks so it never
        // needs one large buffer.
        var nameOffsets = ArrayPool<uint>.Shared.Rent(Math.Max(count, 1));
        var infos = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
        var indexes = ArrayPool<ushort>.Shared.Rent(Math.Max(count, 1));
        try
        {
            byte[] strBytes;
            if (strSec.Offset < sym.Offset)
            {
                strBytes = src.ReadArray((long)strSec.Offset, (long)strSec.Size, "symbol string table");
                ReadEntries(src, sym.Offset, count, entSize, is64, big, nameOffsets, infos, indexes);
            }
            else
            {
                ReadEntries(src, sym.Offset, count, entSize, is64, big, nameOffsets, infos, indexes);
                strBytes = src.ReadArray((long)strSec.Offset, (long)strSec.Size, "symbol string table");
            }
            // LLVM writes section names into the symbol string table: one table, read once.
            var names = SectionNames(src, sections, shstrndx, shstrndx == sym.Link ? strBytes : null);
            string?[] sectionNames = [.. names, "*ABS*", "*COM*", "*XINDEX*", "*RESERVED*"];
            int abs = names.Length, com = abs + 1, xindex = abs + 2, reserved = abs + 3;

            var symbols = new SymbolTable.Builder(count, strBytes.Length);
            var blobIndex = -1;
            for (var i = 1; i < count; i++) // entry 0 is the reserved null symbol
            {
                var info = infos[i];
                var stType = info & 0xf;
                if (stType is 3 or 4) continue; // section and file symbols name no code or data
                var nameOff = nameOffsets[i];
                if (nameOff >= (uint)strBytes.Length)
                    throw Malformed.Error(path, $"symbol {i} names offset {nameOff} outside its string table");
                var length = strBytes.AsSpan((int)nameOff).IndexOf((byte)0);
                if (length < 0) length = strBytes.Length - (int)nameOff;
                if (length == 0) continue;
                var binding = (info >> 4) switch { 0 => SymbolBinding.Local, 2 => SymbolBinding.Weak, _ => SymbolBinding.Global };
                var shndx = indexes[i];
                var section = shndx switch
                {
                    ShnUndef => -1,
                    ShnAbs => abs,
                    ShnCommon => com,
                    ShnXindex => xindex,
                    >= ShnLoReserve => reserved,
                    _ => shndx < names.Length ? shndx
                        : throw Malformed.Error(path, $"symbol '{StringTable.NameAt(strBytes, nameOff)}' points to section {shndx} of {names.Length}"),
                };
                var symType = stType switch
                {
                    0 => SymbolType.None, 1 => SymbolType.Object, 2 => SymbolType.Function, 5 => SymbolType.Common,
                    6 => SymbolType.Tls, 10 => SymbolType.Indirect, _ => SymbolType.Other,
                };
                if (shndx == ShnCommon) symType = SymbolType.Common;
                if (blobIndex < 0 && shndx != ShnUndef && shndx < ShnLoReserve && shndx < sections.Length
                    && TvmBlobReader.IsBlobSymbol(strBytes.AsSpan((int)nameOff, length)))
                    blobIndex = i;
                symbols.Add(strBytes.AsSpan((int)nameOff, length), false, shndx != ShnUndef, binding, symType, section);
            }
            var blob = blobIndex < 0 ? null : ReadBlob(src, sections, sym.Offset + (ulong)blobIndex * entSize, is64, big, kind,
                StringTable.NameAt(strBytes, nameOffsets[blobIndex]) ?? "", indexes[blobIndex]);
            return WithNeeded(obj with { Symbols = symbols.Build(sectionNames), Blob = blob });
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(nameOffsets);
            ArrayPool<byte>.Shared.Return(infos);
            ArrayPool<ushort>.Shared.Return(indexes);
        }
    }

    /// <summary>Largest symbol or string table read (1 GiB): anything bigger is damage, not a model library.</summary>
    private const ulong MaxTableBytes = 1UL << 30;

    private static void ReadEntries(ByteSource src, ulong offset, int count, ulong entSize, bool is64, bool big, uint[] nameOffsets, byte[] infos, ushort[] indexes)
    {
        if (count == 0) return; // an entry size larger than the table: nothing to read (and the size may not fit an int)
        // count > 0, so entSize <= the table size (at most MaxTableBytes): it fits an int.
        var size = (int)entSize;
        var perChunk = Math.Max(1, (64 * 1024) / size);
        var buffer = ArrayPool<byte>.Shared.Rent(perChunk * size);
        try
        {
            for (var first = 0; first < count; first += perChunk)
            {
                var n = Math.Min(perChunk, count - first);
                var chunk = buffer.AsSpan(0, n * size);
                src.Read((long)offset + (long)first * size, chunk);
                for (var k = 0; k < n; k++)
                {
                    var e = new Fields(chunk.Slice(k * size, is64 ? 24 : 16), big);
                    var i = first + k;
                    nameOffsets[i] = e.U32(0);
                    infos[i] = chunk[k * size + (is64 ? 4 : 12)];
                    indexes[i] = e.U16(is64 ? 6 : 14);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>DT_SONAME and DT_NEEDED from the SHT_DYNAMIC section, else from the PT_DYNAMIC segment.</summary>
    private static ElfDynamic.Info Dynamic(ByteSource src, Section[] sections, ulong phoff, int phentsize, int phnum, bool is64, bool big)
    {
        var index = Array.FindIndex(sections, s => s.Type == ElfDynamic.ShtDynamic);
        if (index < 0) return ElfDynamic.FromSegments(src, phoff, phentsize, phnum, is64, big);
        var dyn = sections[index];
        Malformed.Check(dyn.Link < sections.Length && dyn.Link != index, src.Path, "the dynamic section's string table index is invalid");
        var strSec = sections[dyn.Link];
        CheckRange(src, dyn, "dynamic section");
        CheckRange(src, strSec, "dynamic string table");
        var strings = src.ReadArray((long)strSec.Offset, (long)strSec.Size, "dynamic string table");
        return ElfDynamic.FromSection(src, dyn.Offset, dyn.Size, strings, is64, big);
    }

    /// <summary>
    /// The packed import blob a device object defines (<c>&lt;prefix&gt;__tvm_ffi__library_bin</c>): the symbol's bytes
    /// located through its section (st_value is a section offset in a relocatable object, an address elsewhere).
    /// Damage inside the blob is recorded in the result, not thrown: the object's symbols are still valid.
    /// </summary>
    private static PackedBlob ReadBlob(ByteSource src, Section[] sections, ulong entryOffset, bool is64, bool big, ObjectKind kind, string name, ushort shndx)
    {
        Span<byte> entry = stackalloc byte[is64 ? 24 : 16];
        src.Read((long)entryOffset, entry);
        var e = new Fields(entry, big);
        var value = is64 ? e.U64(8) : e.U32(4);
        var size = is64 ? e.U64(16) : e.U32(8);
        var sec = sections[shndx];
        if (sec.Type == ShtNobits) return new PackedBlob(name, "unknown", [], null, "the blob symbol is in a section without file data");
        var within = kind == ObjectKind.Relocatable ? value : value - sec.Addr;
        if (kind != ObjectKind.Relocatable && value < sec.Addr || within > sec.Size || size > sec.Size - within
            || sec.Offset > (ulong)src.Length || sec.Offset + within > (ulong)src.Length || size > (ulong)src.Length - (sec.Offset + within))
            return new PackedBlob(name, "unknown", [], null, $"the blob symbol ({size} bytes at {value}) lies outside its section or the file");
        // A symbol without a size (hand-written assembly; TVM's codegen always sets one) is bounded by its section.
        if (size == 0) size = sec.Size - within;
        if (size < 8) return new PackedBlob(name, "unknown", [], null, $"the blob symbol is {size} bytes, too small for its length header");
        return TvmBlobReader.Read(src, (long)(sec.Offset + within), (long)size, name);
    }

    private static void CheckRange(ByteSource src, Section s, string what) =>
        Malformed.Check(s.Offset <= (ulong)src.Length && s.Size <= (ulong)src.Length - s.Offset, src.Path,
            $"the {what} (offset {s.Offset}, {s.Size} bytes) runs past the end of the file ({src.Length} bytes)");

    private static string[] SectionNames(ByteSource src, Section[] sections, long shstrndx, byte[]? alreadyRead)
    {
        var names = new string[sections.Length];
        var table = alreadyRead;
        if (table is null && shstrndx > 0 && shstrndx < sections.Length)
        {
            var s = sections[shstrndx];
            CheckRange(src, s, "section name table");
            table = src.ReadArray((long)s.Offset, (long)s.Size, "section name table");
        }
        for (var i = 0; i < sections.Length; i++)
            names[i] = (table is null ? null : StringTable.NameAt(table, sections[i].Name)) is { Length: > 0 } n ? n : $"#{i}";
        return names;
    }

    public static string Architecture(int machine) => machine switch
    {
        183 => "aarch64",
        62 => "x86_64",
        40 => "arm",
        3 => "x86",
        243 => "riscv",
        8 => "mips",
        21 => "ppc64",
        _ => $"elf-machine-{machine}",
    };

    private readonly record struct Section(uint Name, uint Type, ulong Offset, ulong Size, uint Link, ulong EntSize, ulong Addr);
}
