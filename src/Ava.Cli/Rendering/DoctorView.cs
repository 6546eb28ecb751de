using System.Text.RegularExpressions;
using Ava.Compiler.Errors;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Setup;

namespace Ava.Cli.Rendering;

/// <summary>
/// The doctor screen in the shape of <c>flutter doctor</c>: one line per check with a mark ([✓] ok, [!] recommended,
/// [✗] required, [-] skipped) and what was found; under each failure its fix, with every command on a line of its own
/// (copy-pasteable, never wrapped); then one closing line with the command that fixes everything. <c>alc doctor</c>
/// shows every check, <c>alc compile</c>'s toolchain gate only the ones that stop it.
/// </summary>
public static partial class DoctorView
{
    public static void Render(Screen screen, IReadOnlyList<DoctorCheckResult> checks, Func<UserInput, string?> spell, bool onlyProblems)
    {
        foreach (var c in checks)
        {
            if (onlyProblems && c.Status is CheckStatus.Pass or CheckStatus.Skipped) continue;
            var painted = Mark(screen, c);
            var expected = c.Status is CheckStatus.Fail or CheckStatus.Warn && c.Expected.Length > 0 ? $" (expected {c.Expected})" : "";
            screen.Prose($"{painted} ", $"{c.Title}: {c.Found}{expected}");
            if (c.Status is CheckStatus.Fail or CheckStatus.Warn && c.Fix is { } fix) RenderFix(screen, Remedy.Render(fix, spell), "    ");
        }
        Closing(screen, checks);
    }

    private static string Mark(Screen screen, DoctorCheckResult c) => c.Status switch
    {
        CheckStatus.Pass => screen.Green("[✓]"),
        CheckStatus.Warn => screen.Yellow("[!]"),
        CheckStatus.Fail when c.Required => screen.Red("[✗]"),
        CheckStatus.Fail => screen.Yellow("[!]"),
        _ => "[-]",
    };

    private static void Closing(Screen screen, IReadOnlyList<DoctorCheckResult> checks)
    {
        var required = checks.Count(c => c.Blocks);
        var recommended = checks.Count(c => c.Status == CheckStatus.Warn || (c.Status == CheckStatus.Fail && !c.Required));
        screen.Line();
        if (required == 0)
        {
            var passed = checks.Count(c => c.Status == CheckStatus.Pass);
            screen.Prose($"{screen.Green("•")} ", $"No issues found: {passed} checks passed" +
                (recommended > 0 ? $", {recommended} recommendation(s) above." : "; the toolchain matches the lock."));
            return;
        }
        screen.Prose($"{screen.Red("!")} ", $"{required} required check(s) failed" + (recommended > 0 ? $", {recommended} recommended" : "") +
            $". One command fixes everything ({SetupPlan.ExpectedDuration}):");
        screen.Line("    alc toolchain setup");
    }

    /// <summary>
    /// A fix text as lines: prose wrapped, each quoted command ('…' holding a space, which may quote its own arguments:
    /// <c>'python -m pip install 'torch>=2.1' 'numpy''</c>) on a line of its own, whole, split at " &amp;&amp; " so each
    /// line runs alone. A command in parentheses loses them: "Build libtvm ('cmake --build …') or pass …" reads
    /// "Build libtvm:", the command, "or pass …" (never a lone "(" or ")"). The "or run 'alc toolchain setup'" tail is
    /// left to the closing line.
    /// </summary>
    public static void RenderFix(Screen screen, string fix, string indent)
    {
        fix = SetupTail().Replace(fix, "");
        var at = 0;
        var closeParen = false;
        foreach (var (start, end) in Commands(fix))
        {
            var before = fix[at..start];
            if (closeParen) before = DropLeadingParen(before);
            // A command that is the whole content of a parenthesis: the "(" goes, the text before it leads to the command.
            var next = fix[end..].TrimStart();
            var open = UnclosedParen(before);
            closeParen = open >= 0 && next.StartsWith(')');
            if (closeParen)
            {
                Prose(screen, before[..open], indent, lead: before[(open + 1)..].Trim().Length == 0);
                Prose(screen, Capitalized(before[(open + 1)..].Trim()), indent, lead: true);
            }
            else Prose(screen, before, indent, lead: false);
            foreach (var part in fix[(start + 1)..(end - 1)].Split(" && ")) screen.Line(indent + "  " + part.Trim());
            at = end;
        }
        Prose(screen, closeParen ? DropLeadingParen(fix[at..]) : fix[at..], indent, lead: false);
    }

    private static void Prose(Screen screen, string text, string indent, bool lead)
    {
        text = text.Trim();
        if (text.Length == 0 || text.All(ch => char.IsPunctuation(ch) || ch == ' ')) return;
        if (lead && !text.EndsWith(':')) text = text.TrimEnd(',', ';') + ":";
        screen.Prose(indent, text);
    }

    private static string DropLeadingParen(string text)
    {
        var t = text.TrimStart();
        return t.StartsWith(')') ? t[1..] : text;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The index of the last "(" in <paramref name="text"/> not closed after it, or -1.</summary>
    private static int UnclosedParen(string text)
    {
        var depth = 0;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] == ')') depth++;
            else if (text[i] == '(' && depth-- == 0) return i;
        }
        return -1;
    }

    /// <summary>
    /// The quoted commands of a fix, outermost quotes only, as [start, end) spans including the quotes. A quote opens
    /// after a space, "(", "=" or the start and before a non-space; it closes after a non-space and before a space,
    /// punctuation, a quote or the end; any other quote is an apostrophe ("toolchain's"). A command holds a space.
    /// </summary>
    internal static IEnumerable<(int Start, int End)> Commands(string text)
    {
        var depth = 0;
        var open = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\'') continue;
            var prev = i == 0 ? ' ' : text[i - 1];
            var next = i + 1 < text.Length ? text[i + 1] : ' ';
            var closes = !char.IsWhiteSpace(prev) && prev != '(' && (char.IsWhiteSpace(next) || next == '\'' || ",.;:)".Contains(next));
            var opens = (char.IsWhiteSpace(prev) || prev is '(' or '=') && !char.IsWhiteSpace(next);
            if (closes && depth > 0)
            {
                if (--depth == 0 && text[(open + 1)..i].Contains(' ')) yield return (open, i + 1);
            }
            else if (opens && depth++ == 0) open = i;
        }
    }

    [GeneratedRegex(@",?\s*or run 'alc toolchain setup'[^.;]*")]
    private static partial Regex SetupTail();
}
