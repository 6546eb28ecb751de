using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// The runtime proof: every reference of a library (an undefined external symbol no other object of the library
/// defines, and every context-pointer slot) must be exported by the runtime (TVM names) or the system libraries (the
/// rest, when given). The bundle proof (<see cref="BundleCheck"/>) does the same across libraries.
/// </summary>
internal sealed class RuntimeProof(RuntimeSurface surface, SymbolScanner scanner, Abi.GenerationTable gen)
{
    /// <summary>
    /// Missing names by symbol with the objects that reference them; unchecked names are counted, and only the first
    /// <see cref="LibraryResult.UncheckedListLimit"/> in ordinal order are kept as strings.
    /// </summary>
    public sealed record Result(Dictionary<string, List<string>> Tvm, Dictionary<string, List<string>> System, IReadOnlyList<string> Unchecked, int UncheckedCount);

    public Result Run(List<SymbolScan> scans, ref char[] scratch)
    {
        int defined = 0, undefined = 0;
        foreach (var scan in scans)
        {
            var t = scan.Table;
            for (var i = 0; i < t.Count; i++)
                if (t.IsExternal(i))
                {
                    if (t.IsDefined(i)) defined++;
                    else undefined++;
                }
        }
        var internalDefs = new Utf8NameSet(defined);
        foreach (var scan in scans)
        {
            var t = scan.Table;
            for (var i = 0; i < t.Count; i++)
                if (t.IsDefined(i) && t.IsExternal(i))
                {
                    var (blob, start, length) = t.NameSlice(i);
                    internalDefs.Add(blob, start, length);
                }
        }
        var tvm = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var system = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var tvmExports = surface.TvmExports.GetAlternateLookup<ReadOnlySpan<char>>();
        var systemExports = surface.SystemExports?.GetAlternateLookup<ReadOnlySpan<char>>();
        var uncheckedSeen = new Utf8NameSet(undefined);
        var uncheckedFirst = new FirstInOrder(LibraryResult.UncheckedListLimit);
        foreach (var scan in scans)
        {
            var o = scan.Object;
            var t = scan.Table;
            // One pass over the symbol table; a symbol table lists each name once, so no de-duplication is needed.
            for (var i = 0; i < t.Count; i++)
            {
                if (!t.IsExternal(i)) continue;
                if (t.IsDefined(i))
                {
                    if (gen.SlotTarget(t.NameChars(i, ref scratch)) is not { } slot) continue;
                    if (!scanner.IsTvmName(slot))
                    {
                        if (surface.SystemExports is { } sys && !slot.StartsWith("__", StringComparison.Ordinal))
                        {
                            if (!sys.Contains(slot)) Add(system, slot, o.Path);
                        }
                        else
                        {
                            var bytes = System.Text.Encoding.UTF8.GetBytes(slot);
                            if (uncheckedSeen.Add(bytes, 0, bytes.Length)) uncheckedFirst.Offer(slot, null, 0);
                        }
                    }
                    else if (!surface.TvmExports.Contains(slot)) Add(tvm, slot, o.Path);
                    continue;
                }
                var (blob, start, length) = t.NameSlice(i);
                if (internalDefs.Contains(blob.AsSpan(start, length))) continue;
                var name = t.NameChars(i, ref scratch);
                if (scanner.IsTvmName(name))
                {
                    if (!tvmExports.Contains(name)) Add(tvm, t.Name(i), o.Path);
                }
                else if (systemExports is { } sys && !name.StartsWith("__", StringComparison.Ordinal))
                {
                    if (!sys.Contains(name)) Add(system, t.Name(i), o.Path);
                }
                else if (uncheckedSeen.Add(blob, start, length))
                    uncheckedFirst.Offer(name, t, i);
            }
        }
        return new Result(new Dictionary<string, List<string>>(tvm), new Dictionary<string, List<string>>(system), uncheckedFirst.Items, uncheckedSeen.Count);

        static void Add(SortedDictionary<string, List<string>> d, string k, string v)
        {
            if (!d.TryGetValue(k, out var l)) d[k] = l = [];
            if (!l.Contains(v)) l.Add(v);
        }
    }

    /// <summary>The first <c>limit</c> distinct names in ordinal order, making a string only for a name that gets in.</summary>
    private sealed class FirstInOrder(int limit)
    {
        private readonly List<string> _items = new(limit);

        public IReadOnlyList<string> Items => _items;

        public void Offer(ReadOnlySpan<char> name, SymbolTable? table, int index)
        {
            if (_items.Count == limit && name.SequenceCompareTo(_items[^1]) >= 0) return;
            var text = table?.Name(index) ?? name.ToString();
            var at = _items.BinarySearch(text, StringComparer.Ordinal);
            if (at >= 0) return;
            _items.Insert(~at, text);
            if (_items.Count > limit) _items.RemoveAt(_items.Count - 1);
        }
    }
}
