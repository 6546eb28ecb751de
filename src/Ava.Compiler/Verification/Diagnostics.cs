namespace Ava.Compiler.Verification;

/// <summary>
/// One problem as a person reads it, in the shape of rustc's: a headline, notes, at most one help. The console, the
/// markdown report and the Action's annotations all render these, so every problem reads the same everywhere.
/// </summary>
/// <param name="Where">Objects (or libraries) it was found in.</param>
/// <param name="Help">The fix with its input marks (<see cref="Errors.Remedy"/>: each renderer spells them); null when an earlier diagnostic of the same library already gave the same one.</param>
public sealed record Diagnostic(Severity Severity, string Code, string Headline, IReadOnlyList<string> Notes, string? Help,
    string? Symbol, IReadOnlyList<string> Where);

public static class Diagnostics
{
    /// <summary>
    /// The problems of one library (or of the bundle) as diagnostics: every old-API reference becomes one diagnostic
    /// led by the call API (TVMFuncCall), whatever order the archive members came in, with the other old symbols and
    /// their new names in one note; errors come before warnings and notes; a fix is given once per library.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Of(IReadOnlyList<Problem> problems)
    {
        var result = new List<Diagnostic>();
        var old = problems.Where(p => p.Code == "old-api").ToList();
        old.Sort(GenerationRule.OldApiOrder);
        if (old.Count > 0)
        {
            var lead = old[0];
            var notes = new List<string>();
            if (old.Count > 1)
                notes.Add("also old: " + string.Join(", ", old.Skip(1).Select(p => p.Replacement is null ? p.Symbol! : $"{p.Symbol} → {p.Replacement}")));
            notes.AddRange(lead.Notes);
            result.Add(new Diagnostic(lead.Severity, lead.Code, lead.Headline, notes, lead.RawFix, lead.Symbol,
                old.SelectMany(p => p.Where).Distinct(StringComparer.Ordinal).ToList()));
        }
        result.AddRange(problems.Where(p => p.Code != "old-api")
            .Select(p => new Diagnostic(p.Severity, p.Code, p.Headline, p.Notes, p.RawFix, p.Symbol, p.Where)));

        var ordered = result.OrderBy(d => d.Severity switch { Severity.Error => 0, Severity.Warning => 1, _ => 2 })
            .ThenBy(d => d.Code == "old-api" ? 0 : 1).ToList();
        var given = new HashSet<string>(StringComparer.Ordinal);
        return ordered.Select(d => d.Help is { } h && !given.Add(h) ? d with { Help = null } : d).ToList();
    }
}
