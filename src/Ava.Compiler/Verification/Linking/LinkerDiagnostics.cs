using System.Text.RegularExpressions;

namespace Ava.Compiler.Verification.Linking;

/// <summary>One ld.lld error: its kind, the symbol, and the objects named by its <c>&gt;&gt;&gt;</c> lines (with the function).</summary>
internal sealed record LinkerError(string Kind, string? Symbol, IReadOnlyList<LinkerSite> Sites, string Text);

/// <summary>An object the linker named, as a path relative to its working folder, the archive member, and the section or function.</summary>
internal sealed record LinkerSite(string File, string? Member, string? Function);

/// <summary>Reads ld.lld's error output: <c>error: undefined symbol: X</c> / <c>error: duplicate symbol: X</c> followed by <c>&gt;&gt;&gt;</c> lines.</summary>
internal static partial class LinkerDiagnostics
{
    [GeneratedRegex(@"error: (?:(?<kind>undefined|duplicate) (?:hidden |protected |internal )?symbol: (?<sym>.+)|(?<other>.+))$")]
    private static partial Regex ErrorLine();

    // ">>> referenced by lib0.o:(func)" / ">>>               lib0.o:(func) in archive x.a" / ">>> defined at y.o:(.text+0x0)"
    [GeneratedRegex(@"^>>>\s+(?:referenced by |defined at )?(?<file>[^\s:][^:]*?):\((?<fn>.*)\)(?: in archive (?<archive>.+))?$")]
    private static partial Regex SiteLine();

    public static List<LinkerError> Parse(string output)
    {
        var errors = new List<LinkerError>();
        string? kind = null, symbol = null, text = null;
        var sites = new List<LinkerSite>();
        void Flush()
        {
            if (kind is not null) errors.Add(new LinkerError(kind, symbol, sites.Distinct().ToList(), text!));
            kind = null; symbol = null; sites = [];
        }
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(">>>", StringComparison.Ordinal))
            {
                if (kind is null) continue;
                var m = SiteLine().Match(line);
                if (!m.Success) continue;
                var archive = m.Groups["archive"];
                sites.Add(archive.Success
                    ? new LinkerSite(archive.Value.Trim(), m.Groups["file"].Value, m.Groups["fn"].Value)
                    : new LinkerSite(m.Groups["file"].Value, null, m.Groups["fn"].Value));
                continue;
            }
            var e = ErrorLine().Match(line);
            if (!e.Success) continue;
            Flush();
            if (e.Groups["kind"].Success)
            {
                kind = e.Groups["kind"].Value;
                symbol = e.Groups["sym"].Value.Trim();
            }
            else
            {
                // "too many errors emitted" is lld's own cut-off, not a failure of its own.
                if (e.Groups["other"].Value.StartsWith("too many errors", StringComparison.Ordinal)) continue;
                kind = "other";
            }
            text = e.Groups[kind == "other" ? "other" : "sym"].Value.Trim();
        }
        Flush();
        return errors;
    }
}
