using System.Text.Json.Serialization;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Abi;

/// <summary>
/// The TVM generations in order and the symbols that tell them apart (abi/generations.json). A marker's range is
/// [Since, Until): the generations whose generated code emits it.
/// </summary>
public sealed record GenerationTable
{
    public required IReadOnlyList<string> Order { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public required IReadOnlyList<GenerationMarker> Markers { get; init; }

    public ContextSlotRule? ContextSlots { get; init; }

    public int IndexOf(string generation)
    {
        for (var i = 0; i < Order.Count; i++)
            if (Order[i] == generation) return i;
        throw new InvalidDataException($"unknown generation '{generation}' (known: {string.Join(", ", Order)})");
    }

    /// <summary>The generations [Lo, Hi) that emit a marker, as indexes into <see cref="Order"/>.</summary>
    public (int Lo, int Hi) RangeOf(GenerationMarker m) =>
        (m.Since is null ? 0 : IndexOf(m.Since), m.Until is null ? Order.Count : IndexOf(m.Until));

    public string Label(string generation) => Labels.TryGetValue(generation, out var l) ? l : $"TVM {generation}";

    /// <summary>Human label of a generation range [lo, hi) over <see cref="Order"/> (hi = Order.Count: open-ended).</summary>
    public string RangeLabel(int lo, int hi)
    {
        if (hi - lo == 1) return Label(Order[lo]);
        if (lo == 0) return $"TVM <= {Order[hi - 1]}";
        if (hi >= Order.Count) return $"TVM {Order[lo]} or newer";
        return $"TVM {Order[lo]} to {Order[hi - 1]}";
    }

    /// <summary>The marker a symbol is, if any. Only external symbols count: a local helper or a string never does.</summary>
    public GenerationMarker? Match(BinarySymbol symbol) =>
        symbol.IsExternal ? Match(symbol.Name, symbol.IsDefined, symbol.Type) : null;

    /// <summary>The marker an external symbol with this name is, if any (no string needed: symbol tables scan every name).</summary>
    public GenerationMarker? Match(ReadOnlySpan<char> name, bool defined, SymbolType type)
    {
        var index = Index;
        var imports = !defined;
        if ((imports ? index.ImportFilter : index.ExportFilter).MayContain(name)
            && (imports ? index.ImportLookup : index.ExportLookup).TryGetValue(name, out var exact)) return exact;
        // Suffix and prefix markers share a short core ("__tvm"): one vectorised search rules most names out.
        if (index.Patterned.Count == 0 || (index.Core.Length > 0 && !name.Contains(index.Core, StringComparison.Ordinal))) return null;
        GenerationMarker? prefixHit = null;
        foreach (var m in index.Patterned)
        {
            if (m.AppliesToImports != imports) continue;
            if (m.Suffix is not null && name.EndsWith(m.Suffix, StringComparison.Ordinal)) return m;
            if (m.Prefix is not null && prefixHit is null && name.StartsWith(m.Prefix, StringComparison.Ordinal)
                && (m.SymbolType is null || (m.SymbolType == "function" && type == SymbolType.Function)))
                prefixHit = m; // weaker than a suffix match of the same symbol
        }
        return prefixHit;
    }

    /// <summary>The runtime function a defined context-pointer slot (e.g. <c>__TVMFuncCall</c>) stands for.</summary>
    public string? SlotTarget(BinarySymbol symbol) =>
        symbol.IsDefined && symbol.IsExternal ? SlotTarget(symbol.Name) : null;

    /// <summary>The runtime function a defined external symbol of this name stands for, if it is a context-pointer slot.</summary>
    public string? SlotTarget(ReadOnlySpan<char> definedExternalName)
    {
        if (ContextSlots is null || !definedExternalName.StartsWith(ContextSlots.Prefix, StringComparison.Ordinal)) return null;
        var index = Index;
        return index.SlotFilter.MayContain(definedExternalName) && index.SlotLookup.TryGetValue(definedExternalName, out var target) ? target : null;
    }

    private MarkerIndex? _index;

    private MarkerIndex Index => _index ??= new MarkerIndex(this);

    /// <summary>Lookups built once per table: exact names by hash, patterned markers in a short list.</summary>
    private sealed class MarkerIndex
    {
        public MarkerIndex(GenerationTable t)
        {
            foreach (var m in t.Markers.Where(m => m.Symbol is not null))
                (m.AppliesToImports ? ImportNames : ExportNames).TryAdd(m.Symbol!, m);
            Patterned = t.Markers.Where(m => m.Symbol is null).ToList();
            var patterns = Patterned.Select(m => m.Suffix ?? m.Prefix!).ToList();
            Core = patterns.Count == 0 ? "" : CommonCore(patterns);
            if (t.ContextSlots is { } slots)
                foreach (var f in slots.Functions) Slots.TryAdd(slots.Prefix + f, f);
            foreach (var k in ImportNames.Keys) ImportFilter.Add(k);
            foreach (var k in ExportNames.Keys) ExportFilter.Add(k);
            foreach (var k in Slots.Keys) SlotFilter.Add(k);
        }

        public NameFilter ImportFilter { get; } = new();
        public NameFilter ExportFilter { get; } = new();
        public NameFilter SlotFilter { get; } = new();

        public Dictionary<string, GenerationMarker> ImportNames { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, GenerationMarker> ExportNames { get; } = new(StringComparer.Ordinal);
        public List<GenerationMarker> Patterned { get; }
        public string Core { get; }
        public Dictionary<string, string> Slots { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, GenerationMarker>.AlternateLookup<ReadOnlySpan<char>> ImportLookup => ImportNames.GetAlternateLookup<ReadOnlySpan<char>>();
        public Dictionary<string, GenerationMarker>.AlternateLookup<ReadOnlySpan<char>> ExportLookup => ExportNames.GetAlternateLookup<ReadOnlySpan<char>>();
        public Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> SlotLookup => Slots.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The longest leading text every pattern contains (so a name lacking it matches none).</summary>
        private static string CommonCore(List<string> patterns)
        {
            var first = patterns[0];
            for (var len = first.Length; len > 0; len--)
            {
                var core = first[..len];
                if (patterns.All(p => p.Contains(core, StringComparison.Ordinal))) return core;
            }
            return "";
        }
    }

    public GenerationMarker? MarkerFor(string symbolName) => MarkerFor(symbolName.AsSpan());

    public GenerationMarker? MarkerFor(ReadOnlySpan<char> symbolName)
    {
        var index = Index;
        return index.ImportFilter.MayContain(symbolName) && index.ImportLookup.TryGetValue(symbolName, out var m)
               || index.ExportFilter.MayContain(symbolName) && index.ExportLookup.TryGetValue(symbolName, out m)
            ? m : null;
    }

    /// <summary>
    /// Rules out most names before a dictionary lookup hashes them: a key's length and last character are recorded
    /// (a model library's hundreds of thousands of kernel names end in digits; marker names do not).
    /// </summary>
    internal sealed class NameFilter
    {
        private readonly bool[] _seen = new bool[64 * 128];

        public void Add(string key) => _seen[Slot(key)] = true;

        public bool MayContain(ReadOnlySpan<char> name) => _seen[Slot(name)];

        private static int Slot(ReadOnlySpan<char> name) => name.Length == 0 ? 0 : (name.Length & 63) * 128 + (name[^1] & 127);
    }
}

/// <summary>The part of a model library a defined marker belongs to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MarkerPart>))]
public enum MarkerPart
{
    /// <summary>The host module's context pointer (<c>&lt;prefix&gt;__tvm_ffi__library_ctx</c>).</summary>
    [JsonStringEnumMemberName("context")] Context,

    /// <summary>The import blob (<c>&lt;prefix&gt;__tvm_ffi__library_bin</c>): VM executable and device kernels.</summary>
    [JsonStringEnumMemberName("blob")] Blob,

    /// <summary>An exported packed function of the host module.</summary>
    [JsonStringEnumMemberName("function")] Function,
}

public sealed record GenerationMarker
{
    /// <summary>An exact C name (e.g. <c>TVMFuncCall</c>).</summary>
    public string? Symbol { get; init; }

    /// <summary>A defined symbol ending with this; what comes before is the system-lib prefix.</summary>
    public string? Suffix { get; init; }

    /// <summary>A defined symbol starting with this (e.g. <c>__tvm_ffi_</c> exported functions).</summary>
    public string? Prefix { get; init; }

    /// <summary>Restricts a prefix marker to one symbol type ("function").</summary>
    public string? SymbolType { get; init; }

    /// <summary>"imports" (an undefined reference) or "exports" (a definition). Default: names are imports, suffixes and prefixes exports.</summary>
    public string? In { get; init; }

    public string Role { get; init; } = "";

    /// <summary>For defined markers: which part of a model library it is (abi/generations.json "part").</summary>
    public MarkerPart? Part { get; init; }

    public string? Since { get; init; }

    public string? Until { get; init; }

    /// <summary>What the profile's generation uses instead (for messages).</summary>
    public string? Replacement { get; init; }

    public string? Evidence { get; init; }

    [JsonIgnore]
    public bool AppliesToImports => In is null ? Symbol is not null : In == "imports";

    [JsonIgnore]
    public string Display => Symbol ?? (Suffix is not null ? "<prefix>" + Suffix : Prefix + "<prefix><function>");
}

public sealed record ContextSlotRule
{
    public string Prefix { get; init; } = "__";

    public IReadOnlyList<string> Functions { get; init; } = [];
}
