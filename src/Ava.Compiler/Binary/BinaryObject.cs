namespace Ava.Compiler.Binary;

public enum ObjectFormat { Elf, MachO }

/// <summary>What the linker would do with the file: relocatable object, shared library, executable.</summary>
public enum ObjectKind { Relocatable, SharedLibrary, Executable, Other }

public enum SymbolBinding { Local, Global, Weak }

public enum SymbolType { None, Function, Object, Section, File, Common, Tls, Indirect, Other }

/// <summary>
/// One symbol-table entry. <see cref="Name"/> is the C-level name (Mach-O's leading underscore removed);
/// <see cref="RawName"/> is the name exactly as stored.
/// </summary>
public readonly record struct BinarySymbol(string Name, string RawName, bool IsDefined, SymbolBinding Binding, SymbolType Type, string? Section)
{
    /// <summary>Visible to the linker outside the object: global or weak.</summary>
    public bool IsExternal => Binding != SymbolBinding.Local;
}

/// <summary>
/// One object file as read from its symbol table. For shared libraries the symbols are the dynamic symbol table
/// (what the dynamic linker sees); for relocatable objects the static one.
/// </summary>
/// <param name="Path">Display path; archive members are written <c>outer.tar!member.o</c>.</param>
/// <param name="Bits">32 or 64.</param>
/// <param name="Machine">e_machine (ELF) or cputype (Mach-O), for reports.</param>
/// <param name="Architecture">Normalised name: aarch64, x86_64, arm, x86, ...</param>
public sealed record BinaryObject(
    string Path,
    ObjectFormat Format,
    int Bits,
    bool BigEndian,
    int Machine,
    string Architecture,
    ObjectKind Kind,
    IReadOnlyList<BinarySymbol> Symbols)
{
    /// <summary>An ELF shared object's DT_SONAME (the name other libraries' DT_NEEDED use for it), or null.</summary>
    public string? Soname { get; init; }

    /// <summary>An ELF shared object's DT_NEEDED entries in order: the libraries the dynamic linker loads with it.</summary>
    public IReadOnlyList<string> Needed { get; init; } = [];

    internal BinaryObject WithDynamic(ElfDynamic.Info info) => this with { Soname = info.Soname, Needed = info.Needed };

    /// <summary>The packed import blob this object defines (a TVM device object), read structurally; null when none.</summary>
    public PackedBlob? Blob { get; init; }

    /// <summary>Symbols other objects may link against: defined and global or weak.</summary>
    public IEnumerable<BinarySymbol> Exports => Symbols.Where(s => s.IsDefined && s.IsExternal);

    /// <summary>Symbols this object needs from elsewhere (weak references included).</summary>
    public IEnumerable<BinarySymbol> Imports => Symbols.Where(s => !s.IsDefined && s.IsExternal);

    public string Describe() =>
        $"{(Format == ObjectFormat.Elf ? "ELF" : "Mach-O")}{Bits} {Architecture} {Kind switch
        {
            ObjectKind.Relocatable => "relocatable",
            ObjectKind.SharedLibrary => "shared library",
            ObjectKind.Executable => "executable",
            _ => "other",
        }}";
}

/// <summary>
/// One item found while walking an artifact: an object file, or a member that was skipped on purpose with the reason
/// (AppleDouble metadata, a JSON file inside a package, ...).
/// </summary>
public sealed record ArtifactEntry(string Path, BinaryObject? Object, string? SkipNote)
{
    public static ArtifactEntry Skipped(string path, string note) => new(path, null, note);

    /// <summary>Bytes of the object (0 for a skipped member).</summary>
    public long Size { get; init; }

    /// <summary>SHA-256 of the object's bytes (lower-case hex), only when read with <see cref="ArtifactReader.ReadHashed"/>.</summary>
    public string? Sha256 { get; init; }
}
