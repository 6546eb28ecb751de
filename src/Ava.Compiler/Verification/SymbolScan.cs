using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// A symbol that is a generation marker. The name is read from the table only when a rule needs it: a library has
/// one hit per packed function, and most rules look at the marker alone.
/// </summary>
internal readonly record struct MarkerHit(GenerationMarker Marker, SymbolTable Table, int Index, string Object, string? SlotTarget)
{
    /// <summary>The symbol the marker is about: the slot's target function for a context-pointer slot.</summary>
    public string Symbol => SlotTarget ?? Table.Name(Index);

    /// <summary>The context-pointer slot symbol (e.g. <c>__TVMFuncCall</c>), or null.</summary>
    public string? Slot => SlotTarget is null ? null : Table.Name(Index);
}

/// <summary>
/// One object after the single pass over its symbols. A library has one packed function per model kernel (hundreds
/// of thousands in a large model): <see cref="Hits"/> keeps the first function of each marker, which is all the
/// generation, role and report rules need, and <see cref="FunctionIndexes"/> lists every one of them.
/// </summary>
internal sealed record SymbolScan(BinaryObject Object, SymbolTable Table, List<MarkerHit> Hits, List<string> TvmImports, List<string> SlotTargets,
    List<int> FunctionIndexes, List<string> HandleSlots, int HandleSlotCount)
{
    public int Functions => FunctionIndexes.Count;

    /// <summary>Whether the object defines an external symbol ending with <paramref name="suffix"/>.</summary>
    public bool Defines(string suffix, ref char[] scratch)
    {
        // Context pointers and blobs are markers, so the hits usually answer without a scan.
        foreach (var h in Hits)
            if (h.SlotTarget is null && h.Table.IsDefined(h.Index) && h.Symbol.EndsWith(suffix, StringComparison.Ordinal)) return true;
        var t = Table;
        for (var i = 0; i < t.Count; i++)
            if (t.IsDefined(i) && t.IsExternal(i) && t.NameChars(i, ref scratch).EndsWith(suffix, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The strong global definitions of all objects, each name once (what the bundle proof compares).</summary>
    public static List<string> StrongGlobals(IEnumerable<SymbolScan> scans)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var scan in scans)
        {
            var t = scan.Table;
            for (var i = 0; i < t.Count; i++)
                if (t.IsDefined(i) && t.Binding(i) == SymbolBinding.Global && t.Type(i) != SymbolType.Common && names.Add(t.Name(i)))
                    list.Add(t.Name(i));
        }
        return list;
    }
}

/// <summary>
/// The symbol scan: one pass over an object's symbol table finding its generation markers (context-pointer slots count
/// as references to the function they name) and the TVM names it imports. Names are decoded into a scratch buffer; a
/// string is made only for a marker a rule reads or a TVM import.
/// </summary>
internal sealed class SymbolScanner
{
    private readonly GenerationTable _gen;

    /// <summary>The profile's packed-call handle-slot prefix as UTF-8, compared without decoding local names.</summary>
    private readonly byte[]? _handleSlotPrefix;

    /// <summary>Handle slots kept by name for messages (a large model has one per kernel).</summary>
    private const int HandleSlotsKept = 3;

    public SymbolScanner(AbiProfile profile)
    {
        _gen = profile.Generations;
        _handleSlotPrefix = profile.HostObject.DeviceModuleEvidence?.HandleSlotPrefix is { } p ? System.Text.Encoding.UTF8.GetBytes(p) : null;
    }

    /// <param name="everyFunction">Keep a hit for every packed function, not only the first of each marker.</param>
    public SymbolScan Scan(BinaryObject o, ref char[] scratch, bool everyFunction = false)
    {
        var table = SymbolTable.Of(o.Symbols);
        var hits = new List<MarkerHit>();
        var tvmImports = new List<string>();
        var slotTargets = new List<string>();
        var functionIndexes = new List<int>();
        var functionMarkers = new List<GenerationMarker>(1);
        var handlePrefix = _handleSlotPrefix;
        var handleSlots = new List<string>();
        var handleSlotCount = 0;
        for (var i = 0; i < table.Count; i++)
        {
            if (!table.IsExternal(i))
            {
                // Local helpers and strings are never markers; only the packed-call handle slots are counted.
                if (handlePrefix is not null && table.IsDefined(i) && table.NameUtf8(i).StartsWith(handlePrefix)
                    && handleSlotCount++ < HandleSlotsKept)
                    handleSlots.Add(table.Name(i));
                continue;
            }
            var name = table.NameChars(i, ref scratch);
            var defined = table.IsDefined(i);
            if (defined && _gen.SlotTarget(name) is { } slotTarget)
            {
                slotTargets.Add(slotTarget);
                if (_gen.MarkerFor(slotTarget) is { } sm) hits.Add(new MarkerHit(sm, table, i, o.Path, slotTarget));
                continue;
            }
            if (_gen.Match(name, defined, table.Type(i)) is { } m)
            {
                if (m.Part == MarkerPart.Function)
                {
                    functionIndexes.Add(i);
                    if (!everyFunction && functionMarkers.Contains(m)) continue;
                    functionMarkers.Add(m);
                }
                hits.Add(new MarkerHit(m, table, i, o.Path, null));
            }
            if (!defined && IsTvmName(name)) tvmImports.Add(table.Name(i));
        }
        return new SymbolScan(o, table, hits, tvmImports, slotTargets, functionIndexes, handleSlots, handleSlotCount);
    }

    /// <summary>Whether the runtime (not the system libraries) must provide the name: TVM's C API or a marker.</summary>
    public bool IsTvmName(string name) => IsTvmName(name.AsSpan());

    public bool IsTvmName(ReadOnlySpan<char> name) =>
        name.StartsWith("TVM", StringComparison.Ordinal) || (name.Length > 2 && name[0] == '_' && _gen.MarkerFor(name) is not null);
}
