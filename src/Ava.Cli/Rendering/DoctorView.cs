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
    /// A fix text as lines: prose wrapped, each quoted command ('…' holding a space) on a line of its own, split at
    /// " &amp;&amp; " so each line runs alone. The "or run 'alc toolchain setup'" tail is left to the closing line.
    /// </summary>
    public static void RenderFix(Screen screen, string fix, string indent)
    {
        fix = SetupTail().Replace(fix, "");
        var at = 0;
        foreach (Match m in Command().Matches(fix))
        {
            Prose(screen, fix[at..m.Index], indent);
            foreach (var part in m.Groups[1].Value.Split(" && ")) screen.Line(indent + "  " + part.Trim());
            at = m.Index + m.Length;
        }
        Prose(screen, fix[at..], indent);
    }

    private static void Prose(Screen screen, string text, string indent)
    {
        text = text.Trim();
        if (text.Length == 0 || text.All(ch => char.IsPunctuation(ch) || ch == ' ')) return;
        screen.Prose(indent, text);
    }

    /// <summary>A quoted command: opens at a word start, holds a space, closes before a space, punctuation or the end.</summary>
    [GeneratedRegex(@"(?<![\w'])'([^'\n]*\s[^'\n]*)'(?=[\s,.;:)]|$)")]
    private static partial Regex Command();

    [GeneratedRegex(@",?\s*or run 'alc toolchain setup'[^.;]*")]
    private static partial Regex SetupTail();
}
