using System.Text;
using System.Text.RegularExpressions;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// The include/exclude rule of huggingface_hub's filter_repo_objects: Python fnmatchcase patterns, where '*' also
/// matches '/', a pattern ending in '/' means everything below that folder, and backslashes count as '/'.
/// Keeping these exact means a recipe's patterns select the same files as allow_patterns would.
/// </summary>
public sealed class HubGlob
{
    private readonly Regex _regex;

    public HubGlob(string pattern)
    {
        Pattern = pattern;
        var p = pattern.Replace('\\', '/');
        if (p.EndsWith('/')) p += "*";
        _regex = new Regex(Translate(p), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    /// <summary>True when the pattern names one file exactly (the CLI then requires that file to exist).</summary>
    public bool IsLiteral => Pattern.IndexOfAny(['*', '?', '[']) < 0 && !Pattern.EndsWith('/');

    public bool Matches(string path) => _regex.IsMatch(path.Replace('\\', '/'));

    private static string Translate(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = FindClass(pattern, i);
                    if (close < 0) { sb.Append(@"\["); break; }
                    var body = pattern[(i + 1)..close];
                    i = close;
                    var negate = body.StartsWith('!');
                    if (negate) body = body[1..];
                    sb.Append('[').Append(negate ? "^" : "").Append(body.Replace(@"\", @"\\").Replace("^", @"\^").Replace("[", @"\[")).Append(']');
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.Append(@"\z").ToString();
    }

    /// <summary>fnmatch: a ']' right after '[' or '[!' is a literal member, not the end of the class.</summary>
    private static int FindClass(string pattern, int open)
    {
        var j = open + 1;
        if (j < pattern.Length && pattern[j] == '!') j++;
        if (j < pattern.Length && pattern[j] == ']') j++;
        while (j < pattern.Length && pattern[j] != ']') j++;
        return j < pattern.Length ? j : -1;
    }
}
