using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>One library to check: the arguments it was built from, its entries (duplicates removed) and what was done to them.</summary>
/// <param name="Input">The library as reported (a grouped library is shown as <c>lib0.o + x_devc.o</c>).</param>
/// <param name="Sources">The arguments it was built from (one, unless loose objects were paired).</param>
internal sealed record LibraryInput(VerifyInput Input, IReadOnlyList<VerifyInput> Sources, IReadOnlyList<ArtifactEntry> Entries, IReadOnlyList<string> Notes);

/// <summary>
/// Turns the paths given to <c>alc verify</c> into libraries. TVM's export_library writes a library as <c>lib0.o</c> and
/// <c>&lt;prefix&gt;devc.o</c>; given as separate arguments, objects that share a system-lib prefix are one library (checked
/// apart, each would lack the other half). Within a library, an object seen twice (the same bytes as a loose file and as a
/// tar member in one folder, or one file given twice) is counted once, with a note.
/// </summary>
internal static class LibraryInputs
{
    public static List<LibraryInput> Build(IReadOnlyList<VerifyInput> libraries, AbiProfile profile)
    {
        var read = libraries.Select(l => (Input: l, Entries: ArtifactReader.Read(l.Path, l.Display))).ToList();
        var prefixes = read.Select(r => LoosePrefix(r.Input, r.Entries, profile.Generations)).ToList();
        var taken = new bool[read.Count];
        var result = new List<LibraryInput>(read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            if (taken[i]) continue;
            taken[i] = true;
            var members = new List<int> { i };
            if (prefixes[i] is { } prefix)
                for (var j = i + 1; j < read.Count; j++)
                    if (!taken[j] && prefixes[j] == prefix)
                    {
                        members.Add(j);
                        taken[j] = true;
                    }
            if (members.Count == 1)
            {
                result.Add(Deduplicate(new LibraryInput(read[i].Input, [read[i].Input], read[i].Entries, [])));
                continue;
            }
            var sources = members.Select(m => read[m].Input).ToList();
            var display = string.Join(" + ", sources.Select(s => s.Display));
            var note = $"{Join(sources.Select(s => s.Display))} were given as separate arguments and share the system-lib prefix '{prefixes[i]}': they are checked as one library.";
            result.Add(Deduplicate(new LibraryInput(new VerifyInput(sources[0].Path, display), sources, members.SelectMany(m => read[m].Entries).ToList(), [note])));
        }
        return result;
    }

    /// <summary>
    /// The system-lib prefix of a path that is one relocatable object (not an archive or folder member), read from the
    /// context pointer or blob it defines (any generation's suffix); null for anything else.
    /// </summary>
    private static string? LoosePrefix(VerifyInput input, IReadOnlyList<ArtifactEntry> entries, GenerationTable generations)
    {
        if (entries is not [{ Object: { Kind: ObjectKind.Relocatable } o } entry] || entry.Path != input.Display) return null;
        var suffixes = generations.Markers.Where(m => m.Suffix is not null && m.Part is MarkerPart.Context or MarkerPart.Blob).Select(m => m.Suffix!).ToList();
        foreach (var s in o.Symbols)
        {
            if (!s.IsDefined || !s.IsExternal) continue;
            foreach (var suffix in suffixes)
                if (s.Name.Length > suffix.Length && s.Name.EndsWith(suffix, StringComparison.Ordinal))
                    return s.Name[..^suffix.Length];
        }
        return null;
    }

    /// <summary>
    /// Drops objects whose bytes equal an earlier object of the library. Only objects that agree on size and symbol count
    /// are hashed (by reading their sources again), so a library without look-alikes costs nothing extra.
    /// </summary>
    private static LibraryInput Deduplicate(LibraryInput lib)
    {
        var objects = lib.Entries.Where(e => e.Object is not null).ToList();
        var lookAlikes = objects.GroupBy(e => (e.Size, e.Object!.Symbols.Count, e.Object.Architecture)).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        if (lookAlikes.Count == 0) return lib;

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in lib.Sources)
            foreach (var e in ArtifactReader.ReadHashed(source.Path, source.Display))
                if (e.Sha256 is not null) hashes.TryAdd(e.Path, e.Sha256);
        var first = new Dictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        var kept = new List<ArtifactEntry>();
        var notes = new List<string>(lib.Notes);
        foreach (var e in lib.Entries)
        {
            if (e.Object is null || !lookAlikes.Contains(e) || !hashes.TryGetValue(e.Path, out var sha))
            {
                kept.Add(e);
                continue;
            }
            if (first.TryGetValue(sha, out var earlier))
            {
                notes.Add($"{e.Path} is the same object as {earlier.Path} (identical content, sha256 {sha[..12]}…): counted once.");
                continue;
            }
            first[sha] = e;
            kept.Add(e);
        }
        return lib with { Entries = kept, Notes = notes };
    }

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}
