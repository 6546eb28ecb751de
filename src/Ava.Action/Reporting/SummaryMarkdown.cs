using System.Text;
using Markdig;
using Markdig.Syntax;

namespace Ava.Action.Reporting;

/// <summary>
/// Fits markdown reports written for a file (compile report, verification report) into the job summary: their
/// headings move down under the Action's own heading, and the whole summary stays under the runner's 1 MiB limit by
/// cutting at a block boundary (never inside a table or code block) with a note saying where the full report is.
/// </summary>
public static class SummaryMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    /// <summary>Adds <paramref name="levels"/> to every ATX heading ("# A" → "### A" for 2), capped at level 6.</summary>
    public static string Nest(string markdown, int levels)
    {
        var doc = Markdown.Parse(markdown, Pipeline);
        var sb = new StringBuilder(markdown);
        // Right to left, so earlier offsets stay valid while we insert.
        foreach (var h in doc.Descendants<HeadingBlock>().Where(h => !h.IsSetext).OrderByDescending(h => h.Span.Start))
        {
            var add = Math.Min(6, h.Level + levels) - h.Level;
            if (add > 0) sb.Insert(h.Span.Start + IndentOf(markdown, h.Span.Start), new string('#', add));
        }
        return sb.ToString();
    }

    /// <summary>The longest prefix made of whole top-level blocks whose UTF-8 size is at most <paramref name="maxBytes"/>.</summary>
    public static string Truncate(string markdown, int maxBytes, string note)
    {
        if (Encoding.UTF8.GetByteCount(markdown) <= maxBytes) return markdown;
        var budget = maxBytes - Encoding.UTF8.GetByteCount(note) - 2;
        var doc = Markdown.Parse(markdown, Pipeline);
        var end = 0;
        foreach (var block in doc)
        {
            var stop = Math.Min(markdown.Length, block.Span.End + 1);
            if (Encoding.UTF8.GetByteCount(markdown.AsSpan(0, stop)) > budget) break;
            end = stop;
        }
        return markdown[..end].TrimEnd() + "\n\n" + note;
    }

    private static int IndentOf(string s, int start)
    {
        var i = start;
        while (i < s.Length && s[i] == ' ') i++;
        return i - start;
    }
}
