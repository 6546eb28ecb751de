using System.Text;

namespace Ava.Action.Runner;

/// <summary>
/// Builds the job summary (GITHUB_STEP_SUMMARY) the way @actions/core's <c>summary</c> does: a buffer of HTML/markdown
/// fragments, each followed by an end of line, appended to the file by <see cref="WriteAsync"/>. Nothing is HTML-escaped,
/// so callers pass markdown or already-safe text.
/// </summary>
public sealed class JobSummary(IReadOnlyDictionary<string, string> env)
{
    public const string Variable = "GITHUB_STEP_SUMMARY";

    /// <summary>The runner refuses a step summary larger than this.</summary>
    public const int MaxBytes = 1024 * 1024;

    private readonly StringBuilder _buffer = new();
    private string? _path;

    public string Stringify() => _buffer.ToString();

    public bool IsEmptyBuffer => _buffer.Length == 0;

    public JobSummary EmptyBuffer()
    {
        _buffer.Clear();
        return this;
    }

    public JobSummary AddRaw(string text, bool addEol = false)
    {
        _buffer.Append(text);
        return addEol ? AddEol() : this;
    }

    public JobSummary AddEol() => AddRaw(Environment.NewLine);

    public JobSummary AddHeading(string text, int level = 1) =>
        AddRaw(Wrap(level is >= 1 and <= 6 ? $"h{level}" : "h1", text)).AddEol();

    public JobSummary AddCodeBlock(string code, string? lang = null) =>
        AddRaw(Wrap("pre", Wrap("code", code), string.IsNullOrEmpty(lang) ? [] : [("lang", lang)])).AddEol();

    public JobSummary AddList(IEnumerable<string> items, bool ordered = false) =>
        AddRaw(Wrap(ordered ? "ol" : "ul", string.Concat(items.Select(i => Wrap("li", i))))).AddEol();

    public JobSummary AddTable(IEnumerable<IEnumerable<SummaryCell>> rows) =>
        AddRaw(Wrap("table", string.Concat(rows.Select(row => Wrap("tr", string.Concat(row.Select(Cell))))))).AddEol();

    public JobSummary AddDetails(string label, string content) => AddRaw(Wrap("details", Wrap("summary", label) + content)).AddEol();

    public JobSummary AddQuote(string text, string? cite = null) =>
        AddRaw(Wrap("blockquote", text, string.IsNullOrEmpty(cite) ? [] : [("cite", cite)])).AddEol();

    public JobSummary AddLink(string text, string href) => AddRaw(Wrap("a", text, [("href", href)])).AddEol();

    public JobSummary AddSeparator() => AddRaw(Wrap("hr", null)).AddEol();

    public JobSummary AddBreak() => AddRaw(Wrap("br", null)).AddEol();

    /// <summary>Appends (or with <paramref name="overwrite"/> replaces) the file with the buffer, then empties the buffer.</summary>
    public async Task<JobSummary> WriteAsync(bool overwrite = false)
    {
        var path = FilePath();
        var text = _buffer.ToString();
        var encoding = new UTF8Encoding(false);
        if (overwrite) await File.WriteAllTextAsync(path, text, encoding);
        else await File.AppendAllTextAsync(path, text, encoding);
        return EmptyBuffer();
    }

    public Task<JobSummary> ClearAsync() => EmptyBuffer().WriteAsync(overwrite: true);

    private string FilePath()
    {
        if (_path is not null) return _path;
        if (!env.TryGetValue(Variable, out var path) || path.Length == 0)
            throw new RunnerProtocolException(
                $"Unable to find environment variable for ${Variable}. Check if your runtime environment supports job summaries.",
                "Run inside a GitHub Actions runner, or set GITHUB_STEP_SUMMARY to a writable file.");
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerProtocolException(
                $"Unable to access summary file: '{path}'. Check if the file has correct read/write permissions.",
                "Make the file named by GITHUB_STEP_SUMMARY readable and writable.");
        }
        return _path = path;
    }

    private static string Cell(SummaryCell cell) =>
        Wrap(cell.Header ? "th" : "td", cell.Data,
            [.. cell.Colspan is { Length: > 0 } c ? [("colspan", c)] : Array.Empty<(string, string)>(),
             .. cell.Rowspan is { Length: > 0 } r ? [("rowspan", r)] : Array.Empty<(string, string)>()]);

    private static string Wrap(string tag, string? content, IReadOnlyList<(string Key, string Value)>? attrs = null)
    {
        var attributes = string.Concat((attrs ?? []).Select(a => $" {a.Key}=\"{a.Value}\""));
        return string.IsNullOrEmpty(content) ? $"<{tag}{attributes}>" : $"<{tag}{attributes}>{content}</{tag}>";
    }
}

/// <summary>A table cell; a plain string converts to a data cell.</summary>
public sealed record SummaryCell(string Data, bool Header = false, string? Colspan = null, string? Rowspan = null)
{
    public static implicit operator SummaryCell(string data) => new(data);
}
