using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// The check of one model library (one PATH: a tar, an archive, an object, a folder): one symbol scan per object, then
/// the rules in Rules/ (generation, prefix, required markers, architecture) and the runtime proof. The texts of its
/// problems live in <see cref="LibraryProblems"/>.
/// </summary>
internal sealed class LibraryCheck
{
    private readonly AbiProfile _profile;
    private readonly RuntimeSurface _surface;
    private readonly bool _bundle;
    private readonly SymbolScanner _scanner;
    private readonly GenerationRule _generation;
    private readonly PrefixRule _prefix;
    private readonly ArchitectureRule _architecture;
    private readonly RuntimeProof _runtime;

    public LibraryCheck(AbiProfile profile, TargetSpec target, RuntimeSurface surface, bool bundle)
    {
        _profile = profile;
        _surface = surface;
        _bundle = bundle;
        _scanner = new SymbolScanner(profile);
        _generation = new GenerationRule(profile, surface);
        _prefix = new PrefixRule(profile, bundle);
        _architecture = new ArchitectureRule(target);
        _runtime = new RuntimeProof(surface, _scanner, profile.Generations);
    }

    /// <summary>The result plus what the bundle proof needs.</summary>
    public sealed record Outcome(LibraryResult Result, IReadOnlyList<string> StrongGlobals);

    public Outcome Run(VerifyInput input, IReadOnlyList<ArtifactEntry> entries)
    {
        var display = input.Display;
        var problems = new List<Problem>();
        var objects = entries.Where(e => e.Object is not null).Select(e => e.Object!).ToList();
        var skipped = entries.Where(e => e.Object is null).Select(e => new SkippedMember(e.Path, e.SkipNote ?? "skipped")).ToList();
        if (objects.Count == 0)
        {
            problems.Add(LibraryProblems.NoObjects(display, skipped.Count));
            return new Outcome(Finish(display, problems, [], skipped, "unknown (no objects)", null, [], 0), []);
        }

        var hits = new List<MarkerHit>();
        var objectResults = new List<ObjectResult>();
        var roles = new Dictionary<BinaryObject, ObjectRole>();
        var scans = new List<SymbolScan>(objects.Count);
        var scratch = new char[256];
        foreach (var o in objects)
        {
            var scan = _scanner.Scan(o, ref scratch);
            scans.Add(scan);
            hits.AddRange(scan.Hits);
            var role = RoleOf(o, scan);
            roles[o] = role;
            _architecture.Check(o, problems);
            objectResults.Add(Describe(o, role, scan));
        }

        // Generation: the intersection of every marker's range.
        var (lo, hi) = _generation.Intersect(hits);
        var mixed = hits.Count > 0 && lo >= hi;
        var generation = _generation.Label(hits, "unknown (no TVM symbols)");

        var prefix = _prefix.Check(hits, scans, problems, display, ref scratch);

        // Runtime proof first, so generation problems can say whether the runtime has the symbol.
        var runtime = _runtime.Run(scans, ref scratch);

        var generationProblems = _generation.OutOfRange(hits, scans, _scanner, display, generation, runtime.Tvm, prefix, ref scratch);
        problems.AddRange(generationProblems);
        if (mixed) problems.Add(_generation.Mixed(hits, display));

        if (hits.Count == 0)
            problems.Add(LibraryProblems.NoTvmSymbols(display));
        else if (generationProblems.Count == 0 && !mixed)
            new RequiredMarkerRule(_profile).Check(RequiredMarkerRule.FactsOf(scans, roles), problems, display);

        foreach (var (name, where) in runtime.Tvm.Where(u => !generationProblems.Any(p => p.Symbol == u.Key)))
            problems.Add(LibraryProblems.UnresolvedTvm(name, where, _surface, _profile));
        foreach (var (name, where) in runtime.System)
            problems.Add(LibraryProblems.UnresolvedSystem(name, where, _surface));

        return new Outcome(
            Finish(display, problems, objectResults, skipped, generation, prefix, runtime.Unchecked, runtime.UncheckedCount),
            _bundle ? SymbolScan.StrongGlobals(scans) : []);
    }

    private static LibraryResult Finish(string display, List<Problem> problems, List<ObjectResult> objects, List<SkippedMember> skipped,
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

    private static ObjectRole RoleOf(BinaryObject o, SymbolScan scan)
    {
        bool blob = false, host = false;
        foreach (var h in scan.Hits)
        {
            blob |= h.Marker.Part == MarkerPart.Blob;
            host |= h.Marker.Part is MarkerPart.Context or MarkerPart.Function || h.Marker.Symbol is not null && h.Marker.AppliesToImports || h.SlotTarget is not null;
        }
        if (o.Kind == ObjectKind.SharedLibrary && (blob || host)) return ObjectRole.SharedLibrary;
        if (blob) return ObjectRole.Device;
        if (host || scan.TvmImports.Count > 0) return ObjectRole.Host;
        return ObjectRole.Other;
    }

    private ObjectResult Describe(BinaryObject o, ObjectRole role, SymbolScan scan)
    {
        var hits = scan.Hits;
        var referenced = new SortedSet<string>(scan.TvmImports, StringComparer.Ordinal);
        var definedSet = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var h in hits)
        {
            if (h.SlotTarget is not null) referenced.Add($"{h.Symbol} (slot {h.Slot})");
            if (h.Marker.Part is MarkerPart.Context or MarkerPart.Blob || (!h.Marker.AppliesToImports && h.Marker.Part != MarkerPart.Function && h.SlotTarget is null))
                definedSet.Add(h.Symbol);
        }
        var functions = scan.Functions;
        var defined = definedSet.ToList();
        if (functions > 0) defined.Add($"{functions} × {_profile.HostObject.FunctionPrefix}<prefix><function>");
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
            Generation = _generation.Label(hits, "no TVM symbols"),
        };
    }
}
