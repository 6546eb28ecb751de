using System.Collections;
using System.Text;

namespace Ava.Compiler.Binary;

/// <summary>
/// An object's symbols as read: one small fixed-size entry per symbol plus their names as UTF-8 in one buffer, so a
/// library with hundreds of thousands of symbols costs a few bytes per symbol and no string until a name is asked for.
/// Rules that scan every symbol use the span accessors (<see cref="NameUtf8"/>, <see cref="NameChars"/>); as a list it
/// gives ordinary <see cref="BinarySymbol"/> values, decoding each name once.
/// </summary>
public sealed class SymbolTable : IReadOnlyList<BinarySymbol>
{
    public static readonly SymbolTable Empty = new([], [], [], 0);

    private const byte Defined = 1, SkipsUnderscore = 2;

    private readonly byte[] _strings;
    private readonly Entry[] _entries;
    private readonly string?[] _sections;
    private string?[]? _names;

    private SymbolTable(byte[] strings, Entry[] entries, string?[] sections, int count)
    {
        _strings = strings;
        _entries = entries;
        _sections = sections;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The C-level name as UTF-8 (Mach-O's leading underscore removed).</summary>
    public ReadOnlySpan<byte> NameUtf8(int i)
    {
        ref readonly var e = ref _entries[i];
        var skip = (e.Flags & SkipsUnderscore) != 0 ? 1 : 0;
        return _strings.AsSpan(e.Start + skip, e.Length - skip);
    }

    /// <summary>Where the C-level name's bytes are (for <see cref="Utf8NameSet"/>).</summary>
    internal (byte[] Blob, int Start, int Length) NameSlice(int i)
    {
        ref readonly var e = ref _entries[i];
        var skip = (e.Flags & SkipsUnderscore) != 0 ? 1 : 0;
        return (_strings, e.Start + skip, e.Length - skip);
    }

    /// <summary>The C-level name decoded into <paramref name="scratch"/> (grown when too small); no string is made.</summary>
    public ReadOnlySpan<char> NameChars(int i, ref char[] scratch)
    {
        var utf8 = NameUtf8(i);
        if (scratch.Length < utf8.Length) scratch = new char[Math.Max(utf8.Length, scratch.Length * 2)];
        return scratch.AsSpan(0, Encoding.UTF8.GetChars(utf8, scratch));
    }

    /// <summary>The C-level name (Mach-O's leading underscore removed), decoded once and kept.</summary>
    public string Name(int i)
    {
        _names ??= new string?[Count];
        return _names[i] ??= Encoding.UTF8.GetString(NameUtf8(i));
    }

    /// <summary>The name exactly as stored.</summary>
    public string RawName(int i)
    {
        ref readonly var e = ref _entries[i];
        return (e.Flags & SkipsUnderscore) == 0 ? Name(i) : Encoding.UTF8.GetString(_strings.AsSpan(e.Start, e.Length));
    }

    public bool IsDefined(int i) => (_entries[i].Flags & Defined) != 0;

    public SymbolBinding Binding(int i) => _entries[i].Binding;

    /// <summary>Global or weak: visible to the linker outside the object.</summary>
    public bool IsExternal(int i) => _entries[i].Binding != SymbolBinding.Local;

    public SymbolType Type(int i) => _entries[i].Type;

    public string? Section(int i) => _entries[i].Section < 0 ? null : _sections[_entries[i].Section];

    public BinarySymbol this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return new BinarySymbol(Name(index), RawName(index), IsDefined(index), Binding(index), Type(index), Section(index));
        }
    }

    public IEnumerator<BinarySymbol> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The table behind a symbol list: the list itself when a reader made it, else a table built from it.</summary>
    public static SymbolTable Of(IReadOnlyList<BinarySymbol> symbols)
    {
        if (symbols is SymbolTable table) return table;
        var sections = symbols.Select(s => s.Section).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var builder = new Builder(symbols.Count, symbols.Sum(s => Encoding.UTF8.GetByteCount(s.RawName)));
        foreach (var s in symbols)
        {
            // The table stores the raw name and whether the C name drops its first character (Mach-O's '_'); a list
            // whose names relate otherwise keeps its C names (what every rule reads) as the stored names.
            var skip = s.RawName.Length == s.Name.Length + 1 && s.RawName.EndsWith(s.Name, StringComparison.Ordinal);
            builder.Add(Encoding.UTF8.GetBytes(skip || s.RawName == s.Name ? s.RawName : s.Name), skip, s.IsDefined, s.Binding, s.Type,
                s.Section is null ? -1 : sections.IndexOf(s.Section));
        }
        return builder.Build([.. sections]);
    }

    /// <summary>
    /// Collects entries while a reader walks the raw symbol table. Names are copied in symbol order into one buffer:
    /// linkers lay string tables out by suffix, not by symbol, so every later pass over the names would otherwise jump
    /// around a table of megabytes; this way the one jump happens here, while the reader has the name in cache anyway.
    /// </summary>
    internal sealed class Builder(int capacity, int nameBytes)
    {
        private Entry[] _entries = new Entry[Math.Max(capacity, 4)];
        private byte[] _names = GC.AllocateUninitializedArray<byte>(Math.Max(nameBytes, 16));
        private int _count, _used;

        /// <param name="rawName">The name as stored (without the NUL).</param>
        /// <param name="skipsUnderscore">The C name is the raw name without its first byte (Mach-O's '_').</param>
        /// <param name="section">Index into the section names given to <see cref="Build"/>; -1 for none.</param>
        public void Add(ReadOnlySpan<byte> rawName, bool skipsUnderscore, bool defined, SymbolBinding binding, SymbolType type, int section)
        {
            if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
            if (_names.Length - _used < rawName.Length) Array.Resize(ref _names, Math.Max(_names.Length * 2, _used + rawName.Length));
            rawName.CopyTo(_names.AsSpan(_used));
            _entries[_count++] = new Entry(_used, rawName.Length, section, (byte)((defined ? Defined : 0) | (skipsUnderscore ? SkipsUnderscore : 0)), (byte)binding, (byte)type);
            _used += rawName.Length;
        }

        public SymbolTable Build(string?[] sections) =>
            _count == 0 ? Empty : new SymbolTable(_names, _entries, sections, _count);
    }

    /// <summary>16 bytes per symbol.</summary>
    private readonly record struct Entry(int Start, int Length, int Section, byte Flags, byte RawBinding, byte RawType)
    {
        public SymbolBinding Binding => (SymbolBinding)RawBinding;

        public SymbolType Type => (SymbolType)RawType;
    }
}
