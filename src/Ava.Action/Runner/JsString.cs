namespace Ava.Action.Runner;

/// <summary>
/// String helpers with JavaScript semantics. @actions/core trims inputs with <c>String.prototype.trim</c>, whose
/// whitespace set differs from .NET's <see cref="char.IsWhiteSpace(char)"/> (JS trims U+FEFF, .NET trims U+0085), and a
/// value that trims differently would make the same workflow behave differently under our Action.
/// </summary>
internal static class JsString
{
    public static string Trim(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsJsWhiteSpace(s[start])) start++;
        while (end > start && IsJsWhiteSpace(s[end - 1])) end--;
        return s[start..end];
    }

    // ECMAScript WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, category Zs) plus LineTerminator (LF, CR, LS, PS).
    private static bool IsJsWhiteSpace(char c) => c switch
    {
        '\t' or '\v' or '\f' or ' ' or '\u00A0' or '\uFEFF' => true,
        '\n' or '\r' or '\u2028' or '\u2029' => true,
        _ => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.SpaceSeparator,
    };
}
