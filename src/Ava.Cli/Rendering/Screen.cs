using System.Text;

namespace Ava.Cli.Rendering;

/// <summary>
/// Lines for a person on stderr. Prose is wrapped at the terminal's width, at spaces only and never inside a quoted
/// command ('alc doctor', `--device android`); commands, paths and headlines are written whole, so a terminal may
/// soft-wrap them but no newline ever splits them. When stderr is not a terminal (a pipe, a CI log) nothing is
/// wrapped at all: a grep of the log finds every sentence and every command on one line.
/// </summary>
public sealed class Screen(TextWriter err, int? width, bool color)
{
    /// <summary>Columns to wrap prose at; null when stderr is redirected (never wrap).</summary>
    public int? Width { get; } = width;

    public bool Color { get; } = color;

    /// <summary>A line written as is: a command, a path, a headline. Never wrapped.</summary>
    public void Line(string text = "") => err.WriteLine(text);

    /// <summary>
    /// Prose: <paramref name="first"/> starts the first line (e.g. "  = note: "), later lines are indented to its width.
    /// A word longer than the line stays whole.
    /// </summary>
    public void Prose(string first, string text)
    {
        foreach (var line in Wrap(first, text, Width)) err.WriteLine(line);
    }

    public string Paint(string text, string ansi) => Color ? $"\u001b[{ansi}m{text}\u001b[0m" : text;

    public string Red(string text) => Paint(text, "1;31");

    public string Yellow(string text) => Paint(text, "1;33");

    public string Green(string text) => Paint(text, "1;32");

    public string Bold(string text) => Paint(text, "1");

    /// <summary>Wraps at spaces; quoted spans ('…' or `…`) are single words. Visible width only (no ANSI in <paramref name="text"/>).</summary>
    public static IEnumerable<string> Wrap(string first, string text, int? width)
    {
        var hanging = new string(' ', VisibleLength(first));
        if (width is not { } w)
        {
            yield return first + text;
            yield break;
        }
        var line = new StringBuilder(first);
        var lineWidth = VisibleLength(first);
        var empty = true;
        foreach (var word in Words(text))
        {
            if (!empty && lineWidth + 1 + word.Length > w)
            {
                yield return line.ToString();
                line.Clear().Append(hanging);
                lineWidth = hanging.Length;
                empty = true;
            }
            if (!empty)
            {
                line.Append(' ');
                lineWidth++;
            }
            line.Append(word);
            lineWidth += word.Length;
            empty = false;
        }
        yield return line.ToString();
    }

    /// <summary>Space-separated words, where a quote opening a word runs to its closing quote (a command stays whole).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ') i++;
            if (i >= text.Length) break;
            var start = i;
            var quote = text[i] is '\'' or '`' ? text[i] : '\0';
            var end = -1;
            if (quote != '\0')
            {
                // The closing quote is one followed by a space, punctuation or the end.
                for (var j = i + 1; j < text.Length; j++)
                    if (text[j] == quote && (j + 1 == text.Length || text[j + 1] is ' ' or ',' or '.' or ';' or ':' or ')' or '!' or '?'))
                    {
                        end = j + 1;
                        break;
                    }
            }
            if (end < 0)
            {
                end = text.IndexOf(' ', start);
                if (end < 0) end = text.Length;
            }
            else
                while (end < text.Length && text[end] != ' ') end++;
            words.Add(text[start..end]);
            i = end;
        }
        return words;
    }

    private static int VisibleLength(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\u001b')
            {
                while (i < s.Length && s[i] != 'm') i++;
                continue;
            }
            n++;
        }
        return n;
    }
}
