using System.Text;
using Ava.Action.Publishing;
using Ava.Action.Reporting;

namespace Ava.Action;

/// <summary>What one run did, rendered as the markdown job summary.</summary>
public sealed class RunSummary
{
    public sealed record Artifact(string Path, long Size, string Sha256);

    public string Status { get; set; } = "running";
    public string? AvaName { get; set; }

    /// <summary>passed, failed, or skipped (nothing that holds TVM objects was built or given).</summary>
    public string Verification { get; set; } = "skipped";
    public string? Failure { get; set; }
    public List<Artifact> Artifacts { get; } = [];
    public List<(string Path, string Markdown)> Reports { get; } = [];

    /// <summary>Hints in the Action's own words (its inputs), shown under the verdict line.</summary>
    public List<string> Notes { get; } = [];
    public PublishResult? Published { get; set; }

    /// <summary>The build-provenance attestation recorded in the published entries.</summary>
    public Ava.Compiler.Registry.EntryAttestation? Attestation { get; set; }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("## ava/model-compile: ").Append(Status == "succeeded" ? "✅ succeeded" : "❌ failed").Append("\n\n");
        if (Failure is not null) sb.Append("> **Error:** ").Append(Cell(Failure)).Append("\n\n");
        if (AvaName is not null) sb.Append($"Model **{Cell(AvaName)}** · ");
        sb.Append($"verification: **{Verification}**\n\n");
        foreach (var note in Notes) sb.Append("> ").Append(Cell(note)).Append("\n\n");
        if (Artifacts.Count > 0)
        {
            sb.Append("### Artifacts\n\n| file | size | SHA-256 |\n|---|---:|---|\n");
            foreach (var a in Artifacts) sb.Append($"| `{Cell(a.Path)}` | {a.Size:N0} B | `{a.Sha256}` |\n");
            sb.Append('\n');
        }
        if (Published is { } p)
        {
            sb.Append("### Published\n\n");
            if (p.Release is { } r)
            {
                sb.Append($"Release [{Cell(r.TagName)}]({r.HtmlUrl}){(p.ReleaseCreated ? " (created)" : "")}\n\n");
                sb.Append("| asset | result | download |\n|---|---|---|\n");
            }
            foreach (var a in p.Assets) sb.Append($"| `{Cell(a.Name)}` | {a.Outcome.ToString().ToLowerInvariant()} | [{Cell(a.Name)}]({a.DownloadUrl}) |\n");
            if (p.Commits.Count > 0)
            {
                sb.Append("\n| registry file | branch | result | commit |\n|---|---|---|---|\n");
                foreach (var c in p.Commits) sb.Append($"| `{Cell(c.Path)}` | `{Cell(c.Branch)}` | {c.Outcome.ToString().ToLowerInvariant()} | {(c.CommitSha is { } sha ? $"`{sha[..Math.Min(12, sha.Length)]}`" : "–")} |\n");
            }
            if (Attestation is { } at) sb.Append($"\nBuild provenance: [attestation {Cell(at.Id)}]({at.Url}), recorded in the registry entries.\n");
            sb.Append('\n');
        }
        foreach (var (path, md) in Reports)
            sb.Append($"### {Cell(path)}\n\n").Append(SummaryMarkdown.Nest(md.TrimEnd(), 3)).Append("\n\n");
        return sb.ToString().TrimEnd() + "\n";
    }

    // Table cells and inline text: a '|' or a newline would break the table.
    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\r", "").Replace("\n", " ");
}
