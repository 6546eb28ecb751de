using System.Text;

namespace Ava.Action.Runner;

/// <summary>
/// One stdout workflow command, <c>::name k=v,k=v::message</c>, escaped exactly as @actions/core 3.0.1 and the runner's
/// parser expect: properties join with a bare comma (the runner does not trim keys), falsy values are dropped, and a
/// non-empty property bag whose values are all empty still yields the separating space.
/// </summary>
public sealed record WorkflowCommand(string Name, IReadOnlyList<KeyValuePair<string, string?>> Properties, string Message)
{
    public WorkflowCommand(string name, string message) : this(name, [], message) { }

    public override string ToString()
    {
        var sb = new StringBuilder("::").Append(string.IsNullOrEmpty(Name) ? "missing.command" : Name);
        if (Properties.Count > 0)
        {
            sb.Append(' ');
            var first = true;
            foreach (var (key, value) in Properties)
            {
                if (string.IsNullOrEmpty(value)) continue;
                if (!first) sb.Append(',');
                first = false;
                sb.Append(key).Append('=').Append(EscapeProperty(value));
            }
        }
        return sb.Append("::").Append(EscapeData(Message)).ToString();
    }

    // '%' first, so the escapes added after it are not escaped again.
    public static string EscapeData(string s) => s.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string s) => EscapeData(s).Replace(":", "%3A").Replace(",", "%2C");
}

/// <summary>Where an annotation points. Zero or null fields are left out, as @actions/core leaves out falsy ones.</summary>
public sealed record AnnotationProperties
{
    public string? Title { get; init; }
    public string? File { get; init; }
    public int? StartLine { get; init; }
    public int? EndLine { get; init; }
    public int? StartColumn { get; init; }
    public int? EndColumn { get; init; }

    /// <summary>An object with no keys (every field null) sends no properties at all, like <c>{}</c> in JavaScript.</summary>
    internal IReadOnlyList<KeyValuePair<string, string?>> ToCommandProperties() =>
        Title is null && File is null && StartLine is null && EndLine is null && StartColumn is null && EndColumn is null ? [] :
    [
        new("title", Title),
        new("file", File),
        new("line", Number(StartLine)),
        new("endLine", Number(EndLine)),
        new("col", Number(StartColumn)),
        new("endColumn", Number(EndColumn)),
    ];

    private static string? Number(int? n) => n is null or 0 ? null : n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
