namespace Ava.Compiler.Toolchain;

public static class Commits
{
    /// <summary>
    /// True when <paramref name="candidate"/> names <paramref name="full"/>: the full hash, or an abbreviation of at
    /// least 7 hex digits (what <c>git describe</c> and version strings carry), case-insensitive.
    /// </summary>
    public static bool Same(string full, string candidate)
    {
        var c = candidate.Trim();
        return c.Length >= 7 && c.All(Uri.IsHexDigit) && full.StartsWith(c, StringComparison.OrdinalIgnoreCase);
    }
}
