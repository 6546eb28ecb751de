using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ava.Compiler.Reporting;

/// <summary>
/// The one definition of what in alc's reports is a timing — and so the only thing allowed to differ between two
/// builds of the same inputs (#9 "Reproducible"). Timings live only in the build folder's reports
/// (compile-report.json|md, the .AON build report in build/); packages, manifests, registry entries and every file
/// in dist/ carry none. Tests compare reports after <see cref="Normalize"/>.
/// <list type="bullet">
/// <item>JSON: any property named in <see cref="JsonFields"/> is dropped, at any depth.</item>
/// <item>Markdown: the section starting at <see cref="MarkdownSection"/> (up to the next <c>## </c> heading) is dropped.</item>
/// </list>
/// </summary>
public static class ReportTimings
{
    /// <summary>
    /// wallSeconds (a stage's, a tool's or the whole run's wall time), peakMemoryBytes (peak RSS of a tool's process
    /// tree), seconds (the int8 quantizer's time), latency (the FP32/INT8 single-thread latency measurement: medians
    /// and speed-up).
    /// </summary>
    public static readonly IReadOnlySet<string> JsonFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "wallSeconds", "peakMemoryBytes", "seconds", "latency",
    };

    /// <summary>The heading of the markdown section holding every timing of a report.</summary>
    public const string MarkdownSection = "## Timings";

    /// <summary>Report files: the names the normalisation applies to.</summary>
    public static bool IsReport(string path)
    {
        var name = Path.GetFileName(path);
        return name.Contains("report", StringComparison.Ordinal) && (name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".md", StringComparison.Ordinal));
    }

    /// <summary>A copy of <paramref name="node"/> without the timing fields.</summary>
    public static JsonNode? Strip(JsonNode? node)
    {
        var copy = node?.DeepClone();
        Remove(copy);
        return copy;
    }

    private static void Remove(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).Where(JsonFields.Contains).ToList()) o.Remove(name);
                foreach (var (_, child) in o) Remove(child);
                break;
            case JsonArray a:
                foreach (var child in a) Remove(child);
                break;
        }
    }

    /// <summary>The report text without its timings: JSON by field (re-serialised indented), markdown by section.</summary>
    public static string Normalize(string fileName, string text)
    {
        if (fileName.EndsWith(".json", StringComparison.Ordinal))
            return Strip(JsonNode.Parse(text))?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "";
        var lines = text.Split('\n');
        var kept = new List<string>();
        var skipping = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) skipping = line.TrimEnd() == MarkdownSection || line.StartsWith(MarkdownSection + " ", StringComparison.Ordinal);
            if (!skipping) kept.Add(line);
        }
        return string.Join('\n', kept);
    }
}
