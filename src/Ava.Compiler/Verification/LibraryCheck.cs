using System.Text.RegularExpressions;
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

    public LibraryCheck(AbiProfile profile, TargetSpec target, RuntimeSurface surface, bool bundle)
    {
        _profile = profile;
        _gen = profile.Generations;
        _target = target;
        _surface = surface;
        _bundle = bundle;
        _profileIndex = _gen.IndexOf(profile.Generation);
    }

    /// <summary>The result plus what the bundle proof needs.</summary>
    public sealed record Outcome(LibraryResult Result, IReadOnlyList<string> StrongGlobals);

    private sealed record Hit(GenerationMarker Marker, string Symbol, string Object, string? Slot);

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
            return new Outcome(Finish(display, problems, [], skipped, "unknown (no objects)", null, []), []);
        }

        var hits = new List<Hit>();
        var objectResults = new List<ObjectResult>();
        var roles = new Dictionary<BinaryObject, ObjectRole>();
        foreach (var o in objects)
        {
            var objHits = new List<Hit>();
            foreach (var s in o.Symbols)
            {
                if (!s.IsExternal) continue; // local helpers and strings never count
                if (_gen.SlotTarget(s) is { } slotTarget)
                {
                    if (_gen.MarkerFor(slotTarget) is { } sm) objHits.Add(new Hit(sm, slotTarget, o.Path, s.Name));
                    continue;
                }
                if (_gen.Match(s) is { } m) objHits.Add(new Hit(m, s.Name, o.Path, null));
            }
            hits.AddRange(objHits);
            var role = RoleOf(o, objHits);
            roles[o] = role;
            CheckArchitecture(o, problems);
            objectResults.Add(Describe(o, role, objHits));
        }

        // Generation: the intersection of every marker's range.
        var lo = hits.Count == 0 ? 0 : hits.Max(h => Range(h.Marker).Lo);
        var hi = hits.Count == 0 ? _gen.Order.Count : hits.Min(h => Range(h.Marker).Hi);
        var mixed = hits.Count > 0 && lo >= hi;
        var generation = hits.Count == 0 ? "unknown (no TVM symbols)"
            : mixed ? "mixed TVM generations" : _gen.RangeLabel(lo, hi);

        var prefix = PrefixOf(hits, objects, roles, problems, display);

        // Runtime proof first, so generation problems can say whether the runtime has the symbol.
        var (unresolved, unresolvedSystem, unchecked_) = RuntimeProof(objects);

        var generationProblems = GenerationProblems(hits, display, generation, unresolved, prefix);
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
            RequiredMarkers(objects, roles, problems, display);

        foreach (var (name, where) in unresolved.Where(u => !generationProblems.Any(p => p.Symbol == u.Key)))
            problems.Add(Error("unresolved-symbol",
                $"{name} is referenced by {Join(where.Select(Short))} but {Join(_surface.TvmSources)} does not export it: the app fails to link with 'undefined symbol: {name}'.",
                $"Compile the library with the TVM the runtime was built from ({_profile.Runtime}), or pass the runtime the app really ships with --runtime.", name, where));
        foreach (var (name, where) in unresolvedSystem)
            problems.Add(Error("unresolved-symbol",
                $"{name} is referenced by {Join(where.Select(Short))} but none of {Join(_surface.SystemSources)} exports it: the app fails to link with 'undefined symbol: {name}'.",
                "Link the library that provides it into the app, or compile the model without that dependency.", name, where));

        return new Outcome(
            Finish(display, problems, objectResults, skipped, generation, prefix, unchecked_),
            _bundle
                ? objects.SelectMany(o => o.Symbols.Where(s => s.IsDefined && s.Binding == SymbolBinding.Global && s.Type != SymbolType.Common)
                    .Select(s => s.Name)).Distinct(StringComparer.Ordinal).ToList()
                : []);
    }

    private LibraryResult Finish(string display, List<Problem> problems, List<ObjectResult> objects, List<SkippedMember> skipped,
        string generation, string? prefix, IReadOnlyList<string> unchecked_) => new()
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
        UncheckedCount = unchecked_.Count,
    };

    private ObjectRole RoleOf(BinaryObject o, List<Hit> hits)
    {
        var blob = hits.Any(h => h.Marker.Part == "blob");
        var host = hits.Any(h => h.Marker.Part is "context" or "function" || h.Marker.Symbol is not null && h.Marker.AppliesToImports || h.Slot is not null);
        if (o.Kind == ObjectKind.SharedLibrary && (blob || host)) return ObjectRole.SharedLibrary;
        if (blob) return ObjectRole.Device;
        if (host || o.Imports.Any(s => IsTvmName(s.Name))) return ObjectRole.Host;
        return ObjectRole.Other;
    }

    private ObjectResult Describe(BinaryObject o, ObjectRole role, List<Hit> hits)
    {
        var referenced = o.Imports.Select(s => s.Name).Where(IsTvmName)
            .Concat(hits.Where(h => h.Slot is not null).Select(h => $"{h.Symbol} (slot {h.Slot})"))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var functions = hits.Count(h => h.Marker.Part == "function");
        var defined = hits.Where(h => h.Marker.Part is "context" or "blob" || (!h.Marker.AppliesToImports && h.Marker.Part != "function" && h.Slot is null))
            .Select(h => h.Symbol).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (functions > 0) defined.Add($"{functions} × {_profile.HostObject.FunctionPrefix}<prefix><function>");
        string gen;
        if (hits.Count == 0) gen = "no TVM symbols";
        else
        {
            var lo = hits.Max(h => Range(h.Marker).Lo);
            var hi = hits.Min(h => Range(h.Marker).Hi);
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
            TvmReferenced = referenced,
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
                ? "Compile with 'mlc_llm compile --device android' (host triple aarch64-linux-android); or pass the --target the library was built for."
                : $"Compile the library for {_target.Description}, or pass the --target it was built for.",
            null, [o.Path]));
    }

    /// <summary>The system-lib prefix, from the context pointer and blob names; disagreement is a problem.</summary>
    private string? PrefixOf(List<Hit> hits, List<BinaryObject> objects, Dictionary<BinaryObject, ObjectRole> roles, List<Problem> problems, string display)
    {
        var found = hits.Where(h => h.Slot is null && h.Marker.Suffix is not null && h.Marker.Part is "context" or "blob")
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
        var stray = hits.Where(h => h.Marker.Part == "function" && !h.Symbol.StartsWith(fnPrefix + prefix, StringComparison.Ordinal))
            .Select(h => (Name: h.Symbol, Path: h.Object)).ToList();
        if (stray.Count > 0 && prefix.Length > 0)
            problems.Add(Error("prefix-mismatch",
                $"{stray.Count} packed function(s) of {display} do not start with {fnPrefix}{prefix} (e.g. {stray[0].Name} in {Short(stray[0].Path)}), though the context pointer and blob use prefix '{prefix}'.",
                "Take lib0.o and <prefix>devc.o from the same 'mlc_llm compile' run (one --system-lib-prefix).", null, stray.Select(s => s.Path).Distinct().ToList()));

        if (prefix.Length > 0 && !Regex.IsMatch(prefix, _profile.Bundle.PrefixPattern))
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

    private (Dictionary<string, List<string>> Tvm, Dictionary<string, List<string>> System, IReadOnlyList<string> Unchecked) RuntimeProof(List<BinaryObject> objects)
    {
        var internalDefs = objects.SelectMany(o => o.Exports).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var tvm = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var system = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var unchecked_ = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            // One pass over the symbol table; a symbol table lists each name once, so no de-duplication is needed.
            foreach (var s in o.Symbols)
            {
                string name;
                if (s.IsDefined)
                {
                    if (_gen.SlotTarget(s) is not { } slot) continue;
                    name = slot;
                }
                else if (s.IsExternal && !internalDefs.Contains(s.Name)) name = s.Name;
                else continue;

                if (IsTvmName(name))
                {
                    if (!_surface.TvmExports.Contains(name)) Add(tvm, name, o.Path);
                }
                else if (_surface.SystemExports is { } sys && !name.StartsWith("__", StringComparison.Ordinal))
                {
                    if (!sys.Contains(name)) Add(system, name, o.Path);
                }
                else unchecked_.Add(name);
            }
        }
        return (new Dictionary<string, List<string>>(tvm), new Dictionary<string, List<string>>(system), unchecked_.Order(StringComparer.Ordinal).ToList());

        static void Add(SortedDictionary<string, List<string>> d, string k, string v)
        {
            if (!d.TryGetValue(k, out var l)) d[k] = l = [];
            if (!l.Contains(v)) l.Add(v);
        }
    }

    private bool IsTvmName(string name) =>
        name.StartsWith("TVM", StringComparison.Ordinal) || (name.Length > 2 && name[0] == '_' && _gen.MarkerFor(name) is not null);

    private List<Problem> GenerationProblems(List<Hit> hits, string display, string generation, Dictionary<string, List<string>> unresolved, string? prefix)
    {
        var problems = new List<Problem>();
        var outOfRange = hits.Where(h => Range(h.Marker) is var (lo0, hi0) && (hi0 <= _profileIndex || lo0 > _profileIndex));
        foreach (var group in outOfRange.GroupBy(h => h.Symbol, StringComparer.Ordinal))
        {
            var h = group.First();
            var (lo, hi) = Range(h.Marker);
            var where = group.Select(x => x.Object).Distinct().ToList();
            var slot = group.Select(x => x.Slot).FirstOrDefault(s => s is not null);
            var via = slot is null ? "" : $" It is referenced through the context-pointer slot {slot} (shared-object build), which the runtime fills at load time.";
            var generated = $" {display} was generated by {generation}.";
            if (hi <= _profileIndex)
            {
                var replacement = h.Marker.Replacement?.Replace("<prefix>", PrefixFor(h)) ?? "(none)";
                var consequence = h.Marker.AppliesToImports || h.Slot is not null
                    ? $"the runtime ({_profile.Runtime}) does not export {h.Symbol}, so the app fails to link or load."
                    : $"the runtime ({_profile.Runtime}) looks the model up by {replacement} and will not find it.";
                problems.Add(Error("old-api",
                    $"Model uses old TVM API ({h.Symbol}). Expected new FFI API ({replacement}).{via}{generated[..^1]}; {consequence}",
                    _profile.Fix, h.Symbol, where));
            }
            else if (lo > _profileIndex)
            {
                var exported = _surface.TvmExports.Contains(h.Symbol);
                var runtimeNote = !h.Marker.AppliesToImports && h.Slot is null
                    ? ""
                    : exported || !unresolved.ContainsKey(h.Symbol)
                        ? $" The runtime exports {h.Symbol}, so the app would still link; only this generation marker shows the library was compiled by a newer TVM than the runtime, and its VM executable may expect runtime functions {_profile.Generation} lacks."
                        : $" The runtime does not export {h.Symbol}: the app fails to link with 'undefined symbol: {h.Symbol}'.";
                problems.Add(Error("newer-api",
                    $"Model uses newer TVM API ({h.Symbol}, emitted by TVM {_gen.Order[lo]} and later) than the runtime ({_profile.Runtime}).{via}{runtimeNote}{generated}",
                    _profile.Fix, h.Symbol, where));
            }
        }
        return problems;

        string PrefixFor(Hit h) => h.Marker.Suffix is not null && h.Symbol.EndsWith(h.Marker.Suffix, StringComparison.Ordinal)
            ? h.Symbol[..^h.Marker.Suffix.Length] : prefix ?? "<prefix>";
    }

    private void RequiredMarkers(List<BinaryObject> objects, Dictionary<BinaryObject, ObjectRole> roles, List<Problem> problems, string display)
    {
        var host = _profile.HostObject;
        var device = _profile.DeviceObject;
        var shared = objects.Where(o => roles[o] == ObjectRole.SharedLibrary).ToList();
        foreach (var o in objects)
        {
            if (roles[o] == ObjectRole.Other) continue;
            var refs = o.Imports.Select(s => s.Name).Where(IsTvmName).Concat(o.Symbols.Select(s => _gen.SlotTarget(s)).OfType<string>()).ToHashSet(StringComparer.Ordinal);
            bool Defines(string suffix) => o.Exports.Any(s => s.Name.EndsWith(suffix, StringComparison.Ordinal));
            switch (roles[o])
            {
                case ObjectRole.Host:
                    Require(o, refs, host.RequiredImports, "lib0.o (the host module)");
                    if (!Defines(host.ContextSuffix))
                        problems.Add(Missing($"{Short(o.Path)} defines no <prefix>{host.ContextSuffix} (the weak module context pointer every {_profile.Generation} host module defines).", o.Path, host.ContextSuffix));
                    if (!o.Exports.Any(s => _gen.Match(s)?.Part == "function"))
                        problems.Add(Missing($"{Short(o.Path)} defines no {host.FunctionPrefix}<prefix><function> packed functions, so the runtime finds no model function in it.", o.Path, host.FunctionPrefix));
                    break;
                case ObjectRole.Device:
                    Require(o, refs, device.RequiredImports, "<prefix>devc.o (the import blob)");
                    if (!Defines(device.BlobSuffix))
                        problems.Add(Missing($"{Short(o.Path)} defines no <prefix>{device.BlobSuffix}.", o.Path, device.BlobSuffix));
                    break;
                case ObjectRole.SharedLibrary when _profile.SharedLibrary is { } rule:
                    Require(o, refs, rule.RequiredImports, "the shared-object library");
                    if (!Defines(rule.BlobSuffix))
                        problems.Add(Missing($"{Short(o.Path)} defines no <prefix>{rule.BlobSuffix}.", o.Path, rule.BlobSuffix));
                    break;
            }
        }
        if (shared.Count > 0) return;
        var hasHost = objects.Any(o => roles[o] == ObjectRole.Host);
        var hasDevice = objects.Any(o => roles[o] == ObjectRole.Device);
        if (hasHost && !hasDevice)
            problems.Add(Missing($"{display} has a host module but no <prefix>devc.o defining <prefix>{device.BlobSuffix}: without it the runtime finds no VM executable or device kernels for this model.", display, device.BlobSuffix));
        if (hasDevice && !hasHost)
            problems.Add(Missing($"{display} has an import blob but no host module (lib0.o with {host.FunctionPrefix}<prefix>* functions).", display, host.FunctionPrefix));

        void Require(BinaryObject o, HashSet<string> refs, IReadOnlyList<string> required, string what)
        {
            foreach (var r in required.Where(r => !refs.Contains(r)))
                problems.Add(Missing($"{Short(o.Path)}, {what}, does not reference {r}, which {_profile.Generation} generated code always does.", o.Path, r));
        }
    }

    private Problem Missing(string message, string where, string symbol) =>
        Error("missing-marker", $"{message} The library is not a complete TVM {_profile.Generation} model library.", _profile.Fix, symbol, [where]);

    private static Problem Error(string code, string message, string fix, string? symbol, IReadOnlyList<string> where) =>
        new() { Severity = Severity.Error, Code = code, Message = message, Fix = fix, Symbol = symbol, Where = where };

    internal static string Short(string path) => path.Contains('!') ? path[(path.LastIndexOf('!') + 1)..] : System.IO.Path.GetFileName(path);

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}
