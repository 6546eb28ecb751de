using Ava.Compiler.Abi;

namespace Ava.Compiler.Verification;

/// <summary>
/// The prefix rule: the runtime finds lib0's functions and devc's blob by one system-lib prefix, so the context pointer,
/// the blob and every packed function carry the same one, and it is one the app can load (the bundle's pattern).
/// </summary>
internal sealed class PrefixRule(AbiProfile profile, bool bundle)
{
    /// <summary>The system-lib prefix, from the context pointer and blob names; disagreement is a problem.</summary>
    public string? Check(List<MarkerHit> hits, List<SymbolScan> scans, List<Problem> problems, string display, ref char[] scratch)
    {
        var found = hits.Where(h => h.SlotTarget is null && h.Marker.Suffix is not null && h.Marker.Part is MarkerPart.Context or MarkerPart.Blob)
            .Select(h => (Prefix: h.Symbol[..^h.Marker.Suffix!.Length], h.Symbol, h.Object)).ToList();
        var distinct = found.Select(f => f.Prefix).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            problems.Add(LibraryProblems.PrefixesDisagree(display, found.DistinctBy(f => f.Prefix).ToList(), found.Select(f => f.Object).Distinct().ToList()));
            return distinct[0];
        }
        var prefix = distinct.SingleOrDefault();
        if (prefix is null) return null;

        // Exported packed functions must carry the same prefix.
        var fnPrefix = profile.HostObject.FunctionPrefix;
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
            problems.Add(LibraryProblems.StrayFunctions(display, stray.Count, fnPrefix, prefix, stray[0], stray.Select(s => s.Path).Distinct().ToList()));

        if (prefix.Length > 0 && !profile.Bundle.Accepts(prefix))
            problems.Add(LibraryProblems.BadPrefix(display, prefix, profile.Bundle.PrefixPattern, bundle ? Severity.Error : Severity.Warning));
        return prefix;
    }
}
