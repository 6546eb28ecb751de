using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// The rules for one model library (one PATH: a tar, an archive, an object, a folder): generation markers against the
/// profile, required v0.22 markers and prefixes, the target architecture, and the runtime proof.
/// </summary>
internal sealed class LibraryCheck
{
    private readonly AbiProfile _profile;
    private readonly GenerationTable _gen;
    private readonly TargetSpec _target;
    private readonly RuntimeSurface _surface;
    private readonly bool _bundle;
    private readonly int _profileIndex;

    /// <summary>The profile's packed-call handle-slot prefix as UTF-8, compared without decoding local names.</summary>
    private readonly byte[]? _handleSlotPrefix;

    public LibraryCheck(AbiProfile profile, TargetSpec target, RuntimeSurface surface, bool bundle)
    {
        _profile = profile;
        _gen = profile.Generations;
        _target = target;
        _surface = surface;
        _bundle = bundle;
        _profileIndex = _gen.IndexOf(profile.Generation);
        _handleSlotPrefix = profile.HostObject.DeviceModuleEvidence?.HandleSlotPrefix is { } p ? System.Text.Encoding.UTF8.GetBytes(p) : null;
    }

    /// <summary>The result plus what the bundle proof needs.</summary>
    public sealed record Outcome(LibraryResult Result, IReadOnlyList<string> StrongGlobals);

    /// <summary>
    /// A symbol that is a generation marker. The name is read from the table only when a rule needs it: a library has
    /// one hit per packed function, and most rules look at the marker alone.
    /// </summary>
    private readonly record struct Hit(GenerationMarker Marker, SymbolTable Table, int Index, string Object, string? SlotTarget)
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
    private sealed record Scan(BinaryObject Object, SymbolTable Table, List<Hit> Hits, List<string> TvmImports, List<string> SlotTargets, List<int> FunctionIndexes,
        List<string> HandleSlots, int HandleSlotCount)
    {
        public int Functions => FunctionIndexes.Count;
    }

    /// <summary>Handle slots kept by name for messages (a large model has one per kernel).</summary>
    private const int HandleSlotsKept = 3;

    private readonly Dictionary<GenerationMarker, (int Lo, int Hi)> _ranges = new(ReferenceEqualityComparer.Instance);

    private (int Lo, int Hi) Range(GenerationMarker m)
    {
        if (!_ranges.TryGetValue(m, out var r)) _ranges[m] = r = _gen.RangeOf(m);
        return r;
    }

    public Outcome Run(VerifyInput input, IReadOnlyList<ArtifactEntry> entries)
    {
        var display = input.Display;
        var problems = new List<Problem>();
        var objects = entries.Where(e => e.Object is not null).Select(e => e.Object!).ToList();
        var skipped = entries.Where(e => e.Object is null).Select(e => new SkippedMember(e.Path, e.SkipNote ?? "skipped")).ToList();
        if (objects.Count == 0)
        {
            problems.Add(Error("no-objects", $"{display} contains no object files ({skipped.Count} members skipped).",
                "Pass the model library TVM wrote (the .tar from 'mlc_llm compile', its lib0.o and <prefix>devc.o, or a .a/.ALM holding them).", null, [display]));
            return new Outcome(Finish(display, problems, [], skipped, "unknown (no objects)", null, [], 0), []);
        }

        var hits = new List<Hit>();
        var objectResults = new List<ObjectResult>();
        var roles = new Dictionary<BinaryObject, ObjectRole>();
        var scans = new List<Scan>(objects.Count);
        var scratch = new char[256];
        foreach (var o in objects)
        {
            var scan = ScanSymbols(o, ref scratch);
            scans.Add(scan);
            hits.AddRange(scan.Hits);
            var role = RoleOf(o, scan);
            roles[o] = role;
            CheckArchitecture(o, problems);
            objectResults.Add(Describe(o, role, scan));
        }

        // Generation: the intersection of every marker's range.
        var (lo, hi) = Intersect(hits);
        var mixed = hits.Count > 0 && lo >= hi;
        var generation = hits.Count == 0 ? "unknown (no TVM symbols)"
            : mixed ? "mixed TVM generations" : _gen.RangeLabel(lo, hi);

        var prefix = PrefixOf(hits, scans, problems, display, ref scratch);

        // Runtime proof first, so generation problems can say whether the runtime has the symbol.
        var (unresolved, unresolvedSystem, unchecked_, uncheckedCount) = RuntimeProof(scans, ref scratch);

        var generationProblems = GenerationProblems(hits, scans, display, generation, unresolved, prefix, ref scratch);
        problems.AddRange(generationProblems);
        if (mixed)
        {
            var oldest = hits.MinBy(h => Range(h.Marker).Hi)!;
            var newest = hits.MaxBy(h => Range(h.Marker).Lo)!;
            problems.Add(Error("mixed-generation",
                $"{display} mixes objects of different TVM generations: {oldest.Symbol} (in {Short(oldest.Object)}) is only emitted before {_gen.Order[Range(oldest.Marker).Hi]}, {newest.Symbol} (in {Short(newest.Object)}) only from {_gen.Order[Range(newest.Marker).Lo]}.",
                _profile.Fix, null, [oldest.Object, newest.Object]));
        }

        if (hits.Count == 0)
            problems.Add(Error("missing-marker", $"{display} has no TVM symbols at all: it is not a TVM model library.",
                "Pass the library 'mlc_llm compile' wrote (a .tar with lib0.o and <prefix>devc.o).", null, [display]));
        else if (generationProblems.Count == 0 && !mixed)
            RequiredMarkers(scans, roles, problems, display);

        foreach (var (name, where) in unresolved.Where(u => !generationProblems.Any(p => p.Symbol == u.Key)))
            problems.Add(Error("unresolved-symbol",
                $"{name} is referenced by {Join(where.Select(Short))} but {Join(_surface.TvmSources)} does not export it{_surface.WhyMissing(name)}: the app fails to link with 'undefined symbol: {name}'.",
                $"Compile the library with the TVM the runtime was built from ({_profile.Runtime}), or pass the runtime the app really ships with {_surface.Option}.", name, where));
        foreach (var (name, where) in unresolvedSystem)
            problems.Add(Error("unresolved-symbol",
                $"{name} is referenced by {Join(where.Select(Short))} but none of {Join(_surface.SystemSources)} exports it: the app fails to link with 'undefined symbol: {name}'.",
                "Link the library that provides it into the app, or compile the model without that dependency.", name, where));

        return new Outcome(
            Finish(display, problems, objectResults, skipped, generation, prefix, unchecked_, uncheckedCount),
            _bundle ? StrongGlobals(scans) : []);
    }

    /// <summary>
    /// One pass over an object's symbol table: its generation markers (context-pointer slots count as references to
    /// the function they name) and the TVM names it imports. Names are decoded into a scratch buffer; a string is made
    /// only for a marker a rule reads or a TVM import.
    /// </summary>
    /// <param name="everyFunction">Keep a hit for every packed function, not only the first of each marker.</param>
    private Scan ScanSymbols(BinaryObject o, ref char[] scratch, bool everyFunction = false)
    {
        var table = SymbolTable.Of(o.Symbols);
        var hits = new List<Hit>();
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
                if (_gen.MarkerFor(slotTarget) is { } sm) hits.Add(new Hit(sm, table, i, o.Path, slotTarget));
                continue;
            }
            if (_gen.Match(name, defined, table.Type(i)) is { } m)
            {
                if (m.Part == "function")
                {
                    functionIndexes.Add(i);
                    if (!everyFunction && functionMarkers.Contains(m)) continue;
                    functionMarkers.Add(m);
                }
                hits.Add(new Hit(m, table, i, o.Path, null));
            }
            if (!defined && IsTvmName(name)) tvmImports.Add(table.Name(i));
        }
        return new Scan(o, table, hits, tvmImports, slotTargets, functionIndexes, handleSlots, handleSlotCount);
    }

    private (int Lo, int Hi) Intersect(List<Hit> hits)
    {
        if (hits.Count == 0) return (0, _gen.Order.Count);
        int lo = int.MinValue, hi = int.MaxValue;
        GenerationMarker? last = null;
        foreach (var h in hits)
        {
            if (ReferenceEquals(h.Marker, last)) continue; // runs of one marker (packed functions) are common
            last = h.Marker;
            var r = Range(h.Marker);
            lo = Math.Max(lo, r.Lo);
            hi = Math.Min(hi, r.Hi);
        }
        return (lo, hi);
    }

    private static List<string> StrongGlobals(List<Scan> scans)
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

    private LibraryResult Finish(string display, List<Problem> problems, List<ObjectResult> objects, List<SkippedMember> skipped,
        string generation, string? prefix, IReadOnlyList<string> unchecked_, int uncheckedCount) => new()
    {
        Path = display,
        Verdict = problems.Any(p => p.Severity == Severity.Error) ? Verdict.Rejected : Verdict.Accepted,
        Generation = generation,
        Prefix = prefix,
        ModelLib = prefix is { Length: > 1 } && prefix.EndsWith('_') ? prefix[..^1] : null,
        Objects = objects,
        Skipped = skipped,
        Problems = problems.OrderBy(p => p.Severity).ToList(),
        Unchecked = unchecked_.Take(LibraryResult.UncheckedListLimit).ToList(),
        UncheckedCount = uncheckedCount,
    };

    private static ObjectRole RoleOf(BinaryObject o, Scan scan)
    {
        bool blob = false, host = false;
        foreach (var h in scan.Hits)
        {
            blob |= h.Marker.Part == "blob";
            host |= h.Marker.Part is "context" or "function" || h.Marker.Symbol is not null && h.Marker.AppliesToImports || h.SlotTarget is not null;
        }
        if (o.Kind == ObjectKind.SharedLibrary && (blob || host)) return ObjectRole.SharedLibrary;
        if (blob) return ObjectRole.Device;
        if (host || scan.TvmImports.Count > 0) return ObjectRole.Host;
        return ObjectRole.Other;
    }

    private ObjectResult Describe(BinaryObject o, ObjectRole role, Scan scan)
    {
        var hits = scan.Hits;
        var referenced = new SortedSet<string>(scan.TvmImports, StringComparer.Ordinal);
        var definedSet = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var h in hits)
        {
            if (h.SlotTarget is not null) referenced.Add($"{h.Symbol} (slot {h.Slot})");
            if (h.Marker.Part is "context" or "blob" || (!h.Marker.AppliesToImports && h.Marker.Part != "function" && h.SlotTarget is null))
                definedSet.Add(h.Symbol);
        }
        var functions = scan.Functions;
        var defined = definedSet.ToList();
        if (functions > 0) defined.Add($"{functions} × {_profile.HostObject.FunctionPrefix}<prefix><function>");
        string gen;
        if (hits.Count == 0) gen = "no TVM symbols";
        else
        {
            var (lo, hi) = Intersect(hits);
            gen = lo >= hi ? "mixed TVM generations" : _gen.RangeLabel(lo, hi);
        }
        return new ObjectResult
        {
            Path = o.Path,
            Format = o.Format == ObjectFormat.Elf ? "elf" : "mach-o",
            Bits = o.Bits,
            Architecture = o.Architecture,
            Kind = o.Kind switch
            {
                ObjectKind.Relocatable => "relocatable",
                ObjectKind.SharedLibrary => "shared-library",
                ObjectKind.Executable => "executable",
                _ => "other",
            },
            Role = role,
            SymbolCount = o.Symbols.Count,
            TvmReferenced = referenced.ToList(),
            TvmDefined = defined,
            PackedFunctionCount = functions,
            Generation = gen,
        };
    }

    private void CheckArchitecture(BinaryObject o, List<Problem> problems)
    {
        var format = o.Format == ObjectFormat.Elf ? "elf" : "mach-o";
        if (format == _target.Format && o.Bits == _target.Bits && o.Architecture == _target.Architecture) return;
        var want = $"{(_target.Format == "elf" ? "ELF" : "Mach-O")}{_target.Bits} {_target.Architecture}";
        problems.Add(Error("architecture-mismatch",
            $"{Short(o.Path)} is {o.Describe()} ({(o.Format == ObjectFormat.Elf ? "e_machine" : "cputype")} {o.Machine}), but --target {_target.Id} ({_target.Description}) needs {want}.",
            _target.Id == "android-arm64"
                ? o.Architecture == "x86_64"
                    ? "Android x86_64 is not a target AVA ships: rebuild for Android arm64 with 'mlc_llm compile --device android' (host triple aarch64-linux-android)."
                    : "Rebuild for Android arm64 with 'mlc_llm compile --device android' (host triple aarch64-linux-android)."
                : $"Compile the library for {_target.Description}.",
            null, [o.Path]));
    }

    /// <summary>The system-lib prefix, from the context pointer and blob names; disagreement is a problem.</summary>
    private string? PrefixOf(List<Hit> hits, List<Scan> scans, List<Problem> problems, string display, ref char[] scratch)
    {
        var found = hits.Where(h => h.SlotTarget is null && h.Marker.Suffix is not null && h.Marker.Part is "context" or "blob")
            .Select(h => (Prefix: h.Symbol[..^h.Marker.Suffix!.Length], h.Symbol, h.Object)).ToList();
        var distinct = found.Select(f => f.Prefix).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            problems.Add(Error("prefix-mismatch",
                $"The system-lib prefixes of {display} disagree: {Join(found.DistinctBy(f => f.Prefix).Select(f => $"'{f.Prefix}' ({f.Symbol} in {Short(f.Object)})"))}. The runtime finds the functions of lib0 and the blob of devc by one prefix.",
                "Take lib0.o and <prefix>devc.o from the same 'mlc_llm compile' run (one --system-lib-prefix).", null, found.Select(f => f.Object).Distinct().ToList()));
            return distinct[0];
        }
        var prefix = distinct.SingleOrDefault();
        if (prefix is null) return null;

        // Exported packed functions must carry the same prefix.
        var fnPrefix = _profile.HostObject.FunctionPrefix;
        var expected = fnPrefix + prefix;
        // ASCII bytes never occur inside a multi-byte UTF-8 sequence, so an ASCII prefix can be compared as bytes.
        var expectedBytes = System.Text.Ascii.IsValid(expected) ? System.Text.Encoding.ASCII.GetBytes(expected) : null;
        var stray = new List<(string Name, string Path)>();
        foreach (var scan in scans)
        foreach (var i in scan.FunctionIndexes)
        {
            var starts = expectedBytes is not null
                ? scan.Table.NameUtf8(i).StartsWith(expectedBytes)
                : scan.Table.NameChars(i, ref scratch).StartsWith(expected, StringComparison.Ordinal);
            if (!starts) stray.Add((scan.Table.Name(i), scan.Object.Path));
        }
        if (stray.Count > 0 && prefix.Length > 0)
            problems.Add(Error("prefix-mismatch",
                $"{stray.Count} packed function(s) of {display} do not start with {fnPrefix}{prefix} (e.g. {stray[0].Name} in {Short(stray[0].Path)}), though the context pointer and blob use prefix '{prefix}'.",
                "Take lib0.o and <prefix>devc.o from the same 'mlc_llm compile' run (one --system-lib-prefix).", null, stray.Select(s => s.Path).Distinct().ToList()));

        if (prefix.Length > 0 && !_profile.Bundle.Accepts(prefix))
        {
            var modelLib = prefix.TrimEnd('_');
            problems.Add(new Problem
            {
                Severity = _bundle ? Severity.Error : Severity.Warning,
                Code = "bad-prefix",
                Message = $"The system-lib prefix '{prefix}' of {display} does not match {_profile.Bundle.PrefixPattern}: the app loads model_lib '{modelLib}' as system://{modelLib} and looks for {modelLib}___tvm_ffi__library_bin (prefix '{modelLib}_'), which this library does not define.",
                Fix = "Compile with --system-lib-prefix <model_lib>_ (letters, digits and '_', ending in '_'), e.g. gemma2_q4f16_1_.",
                Where = [display],
            });
        }
        return prefix;
    }

    /// <summary>
    /// Every reference (undefined external symbol not defined by another object of the library, and every
    /// context-pointer slot) must be exported by the runtime (TVM names) or the system libraries (the rest, when
    /// given). Unchecked names are counted, and only the first <see cref="LibraryResult.UncheckedListLimit"/> in
    /// ordinal order are kept as strings.
    /// </summary>
    private (Dictionary<string, List<string>> Tvm, Dictionary<string, List<string>> System, IReadOnlyList<string> Unchecked, int UncheckedCount) RuntimeProof(
        List<Scan> scans, ref char[] scratch)
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
        var tvmExports = _surface.TvmExports.GetAlternateLookup<ReadOnlySpan<char>>();
        var systemExports = _surface.SystemExports?.GetAlternateLookup<ReadOnlySpan<char>>();
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
                    if (_gen.SlotTarget(t.NameChars(i, ref scratch)) is not { } slot) continue;
                    if (!IsTvmName(slot))
                    {
                        if (_surface.SystemExports is { } sys && !slot.StartsWith("__", StringComparison.Ordinal))
                        {
                            if (!sys.Contains(slot)) Add(system, slot, o.Path);
                        }
                        else
                        {
                            var bytes = System.Text.Encoding.UTF8.GetBytes(slot);
                            if (uncheckedSeen.Add(bytes, 0, bytes.Length)) uncheckedFirst.Offer(slot, null, 0);
                        }
                    }
                    else if (!_surface.TvmExports.Contains(slot)) Add(tvm, slot, o.Path);
                    continue;
                }
                var (blob, start, length) = t.NameSlice(i);
                if (internalDefs.Contains(blob.AsSpan(start, length))) continue;
                var name = t.NameChars(i, ref scratch);
                if (IsTvmName(name))
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
        return (new Dictionary<string, List<string>>(tvm), new Dictionary<string, List<string>>(system), uncheckedFirst.Items, uncheckedSeen.Count);

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

    private bool IsTvmName(string name) => IsTvmName(name.AsSpan());

    private bool IsTvmName(ReadOnlySpan<char> name) =>
        name.StartsWith("TVM", StringComparison.Ordinal) || (name.Length > 2 && name[0] == '_' && _gen.MarkerFor(name) is not null);

    private List<Problem> GenerationProblems(List<Hit> hits, List<Scan> scans, string display, string generation, Dictionary<string, List<string>> unresolved,
        string? prefix, ref char[] scratch)
    {
        var problems = new List<Problem>();
        bool OutOfRange(Hit h) => Range(h.Marker) is var (lo0, hi0) && (hi0 <= _profileIndex || lo0 > _profileIndex);
        // Each out-of-range packed function is its own problem: only then are they all needed.
        if (hits.Any(h => h.Marker.Part == "function" && OutOfRange(h)))
        {
            var all = new List<Hit>();
            foreach (var scan in scans) all.AddRange(ScanSymbols(scan.Object, ref scratch, everyFunction: true).Hits);
            hits = all;
        }
        var outOfRange = hits.Where(OutOfRange);
        foreach (var group in outOfRange.GroupBy(h => h.Symbol, StringComparer.Ordinal))
        {
            var h = group.First();
            var (lo, hi) = Range(h.Marker);
            var where = group.Select(x => x.Object).Distinct().ToList();
            var slot = group.Select(x => x.Slot).FirstOrDefault(s => s is not null);
            var via = slot is null ? null : $"It is referenced through the context-pointer slot {slot} (shared-object build), which the runtime fills at load time.";
            var generated = $"{display} was generated by {generation}";
            if (hi <= _profileIndex)
            {
                var replacement = h.Marker.Replacement?.Replace("<prefix>", PrefixFor(h)) ?? "(none)";
                var consequence = h.Marker.AppliesToImports || h.Slot is not null
                    ? $"{_surface.NotExporting(h.Symbol, _profile)}, so the app fails to link or load."
                    : $"{_surface.Named(_profile)} looks the model up by {replacement} and will not find it.";
                var headline = $"Model uses old TVM API ({h.Symbol}). Expected new FFI API ({replacement})";
                List<string> notes = [.. via is null ? [] : new[] { via }, $"{generated}; {consequence}"];
                problems.Add(Error("old-api", $"{headline}.{(via is null ? "" : " " + via)} {generated}; {consequence}", _profile.Fix, h.Symbol, where)
                    with { Headline = headline, Notes = notes, Replacement = h.Marker.Replacement is null ? null : replacement });
            }
            else if (lo > _profileIndex)
            {
                var exported = _surface.TvmExports.Contains(h.Symbol);
                // The marker alone decides: a library from a newer compiler is rejected even when every symbol it
                // references resolves, because AVA ships only what the pinned compiler produced.
                var runtimeNote = !h.Marker.AppliesToImports && h.Slot is null
                    ? null
                    : exported || !unresolved.ContainsKey(h.Symbol)
                        ? $"The runtime exports {h.Symbol}, so linking alone does not catch this; the marker shows a compiler newer than {_profile.Generation}, and AVA accepts only libraries compiled by the pinned {_profile.Generation}."
                        : $"The runtime does not export {h.Symbol}: the app fails to link with 'undefined symbol: {h.Symbol}'.";
                var headline = $"Model uses newer TVM API ({h.Symbol}, emitted by TVM {_gen.Order[lo]} and later) than {_surface.Named(_profile)}";
                List<string> notes = [.. via is null ? [] : new[] { via }, .. runtimeNote is null ? [] : new[] { runtimeNote }, generated + "."];
                problems.Add(Error("newer-api", $"{headline}. {string.Join(" ", notes)}", _profile.Fix, h.Symbol, where) with { Headline = headline, Notes = notes });
            }
        }
        // The call API's own name leads: it is the symbol a person greps for (US-2), whatever the archive order.
        problems.Sort(OldApiOrder);
        return problems;

        string PrefixFor(Hit h) => h.Marker.Suffix is not null && h.Symbol.EndsWith(h.Marker.Suffix, StringComparison.Ordinal)
            ? h.Symbol[..^h.Marker.Suffix.Length] : prefix ?? "<prefix>";
    }

    /// <summary>The facts <see cref="RequiredMarkerRule"/> needs, from the scans already made.</summary>
    private void RequiredMarkers(List<Scan> scans, Dictionary<BinaryObject, ObjectRole> roles, List<Problem> problems, string display)
    {
        var scratch = new char[256];
        var facts = new List<RequiredMarkerRule.ObjectFacts>();
        foreach (var scan in scans)
        {
            var o = scan.Object;
            if (roles[o] == ObjectRole.Other) continue;
            var refs = scan.TvmImports.Concat(scan.SlotTargets).ToHashSet(StringComparer.Ordinal);
            facts.Add(new RequiredMarkerRule.ObjectFacts(o, roles[o], refs, suffix => Defines(scan, suffix, ref scratch), scan.Functions, scan.HandleSlots, scan.HandleSlotCount));
        }
        new RequiredMarkerRule(_profile).Check(facts, problems, display);

        static bool Defines(Scan scan, string suffix, ref char[] scratch)
        {
            // Context pointers and blobs are markers, so the hits usually answer without a scan.
            foreach (var h in scan.Hits)
                if (h.SlotTarget is null && h.Table.IsDefined(h.Index) && h.Symbol.EndsWith(suffix, StringComparison.Ordinal)) return true;
            var t = scan.Table;
            for (var i = 0; i < t.Count; i++)
                if (t.IsDefined(i) && t.IsExternal(i) && t.NameChars(i, ref scratch).EndsWith(suffix, StringComparison.Ordinal)) return true;
            return false;
        }
    }

    /// <summary>TVMFuncCall first, then the other runtime functions, then prefixed names; ordinal within each.</summary>
    internal static int OldApiOrder(Problem a, Problem b)
    {
        static int Rank(Problem p) => p.Symbol == "TVMFuncCall" ? 0 : p.Symbol?.StartsWith("TVM", StringComparison.Ordinal) == true ? 1 : 2;
        var r = Rank(a).CompareTo(Rank(b));
        return r != 0 ? r : string.CompareOrdinal(a.Symbol, b.Symbol);
    }

    private static Problem Error(string code, string message, string fix, string? symbol, IReadOnlyList<string> where) =>
        new() { Severity = Severity.Error, Code = code, Message = message, Fix = fix, Symbol = symbol, Where = where };

    internal static string Short(string path) => path.Contains('!') ? path[(path.LastIndexOf('!') + 1)..] : System.IO.Path.GetFileName(path);

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}
