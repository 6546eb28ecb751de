using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ava.Compiler.IO;

namespace Ava.Compiler.Verification;

/// <summary>
/// Renders a <see cref="VerificationResult"/>: JSON (schemas/verification-report.schema.json; also what
/// <c>alc verify --json</c> prints) and Markdown (verdict first; fits a GitHub job summary). Files are written atomically.
/// </summary>
public static class VerificationReport
{
    public const string MarkdownFileName = "verification-report.md";
    public const string JsonFileName = "verification-report.json";

    public static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = VerificationJsonContext.Default,
    }.WithKebabCaseEnums();

    public static string ToJson(VerificationResult result) => JsonSerializer.Serialize(result, JsonOptions.TypeInfo<VerificationResult>());

    /// <summary>Writes both reports into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Markdown, string Json) Write(VerificationResult result, string directory)
    {
        var md = Path.Combine(directory, MarkdownFileName);
        var json = Path.Combine(directory, JsonFileName);
        AtomicFile.WriteAllText(json, ToJson(result) + "\n");
        AtomicFile.WriteAllText(md, ToMarkdown(result));
        return (md, json);
    }

    public static string ToMarkdown(VerificationResult r)
    {
        var sb = new StringBuilder();
        var verdict = r.Ok ? "✅ ACCEPTED" : "❌ REJECTED";
        sb.AppendLine($"# alc verify: {verdict}");
        sb.AppendLine();
        sb.AppendLine($"{r.Libraries.Count} librar{(r.Libraries.Count == 1 ? "y" : "ies")} checked for target `{r.Target}` against {Md(r.Runtime)} (profile `{r.Abi}`)" +
                      $"{(r.Bundle ? " as one app bundle" : "")}. {r.ErrorCount} error(s).");
        sb.AppendLine();
        sb.AppendLine($"Runtime symbols from: {Md(string.Join(", ", r.RuntimeSources))}." +
                      (r.SystemLibs.Count > 0 ? $" System libraries: {Md(string.Join(", ", r.SystemLibs))}." : " System libraries: not checked (no system library folder given)."));
        sb.AppendLine();
        if (r.App is { } app) AppChain(sb, app, r.Target);
        if (r.RuntimeSet is { } runtime) RuntimeSection(sb, runtime);
        if (r.Link is { } link)
        {
            sb.AppendLine($"Link proof: {Md(link.Note)}");
            sb.AppendLine();
        }
        sb.AppendLine("| library | verdict | TVM generation | prefix | objects | errors | metadata |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var l in r.Libraries)
            sb.AppendLine($"| `{Cell(l.Path)}` | {(l.Verdict == Verdict.Accepted ? "accepted" : "**rejected**")} | {Cell(l.Generation)} | {(l.Prefix is null ? "—" : $"`{Cell(l.Prefix)}`")} | {l.Objects.Count} | {l.Problems.Count(p => p.Severity == Severity.Error)} | {Md(l.Metadata?.Describe() ?? LibraryMetadata.Missing(l))} |");
        sb.AppendLine();

        if (r.Problems.Count > 0)
        {
            sb.AppendLine("## Bundle");
            sb.AppendLine();
            Problems(sb, r.Problems);
        }

        foreach (var l in r.Libraries)
        {
            sb.AppendLine($"## `{Cell(l.Path)}` — {(l.Verdict == Verdict.Accepted ? "accepted" : "rejected")}");
            sb.AppendLine();
            sb.AppendLine($"Generation: {Md(l.Generation)}." + (l.ModelLib is not null ? $" model_lib: `{l.ModelLib}`." : ""));
            sb.AppendLine();
            if (l.Problems.Count > 0) Problems(sb, l.Problems);
            if (l.Metadata is { } m)
            {
                sb.AppendLine($"Metadata (from {Md(m.Source)}): model\\_type `{m.ModelType}`, quantization `{m.Quantization}`, context\\_window\\_size {m.ContextWindowSize}, " +
                              $"sliding\\_window\\_size {m.SlidingWindowSize}, prefill\\_chunk\\_size {m.PrefillChunkSize}, {m.ParamCount} parameters" +
                              (m.ParamBytes is { } pb ? $" ({LibraryMetadata.Bytes(pb)})" : $" (bytes unknown: {Md(string.Join(", ", m.UnresolvedDims))} unresolved)") +
                              $", largest temporary buffer {LibraryMetadata.Bytes(m.MaxTemporaryBytes)}{(m.MaxTemporaryFunction is null ? "" : $" ({Md(m.MaxTemporaryFunction)})")}.");
                sb.AppendLine();
            }
            else if (l.MetadataNote is not null)
            {
                sb.AppendLine($"Metadata: none ({Md(l.MetadataNote)}).");
                sb.AppendLine();
            }
            if (l.PackageProof is not null)
            {
                sb.AppendLine($"Package proof: {Md(l.PackageProof)}.");
                sb.AppendLine();
            }
            if (l.RegistryProof is not null)
            {
                sb.AppendLine($"Registry proof: {Md(l.RegistryProof)}.");
                sb.AppendLine();
            }
            if (l.Objects.Count > 0)
            {
                sb.AppendLine("| object | format | architecture | role | TVM generation | TVM referenced | TVM defined |");
                sb.AppendLine("|---|---|---|---|---|---|---|");
                foreach (var o in l.Objects)
                    sb.AppendLine($"| `{Cell(Binary.DisplayPath.Member(o.Path))}` | {(o.Format == "elf" ? "ELF" : "Mach-O")}{o.Bits} {o.Kind} | {o.Architecture} | {o.Role.ToString().ToLowerInvariant()} | {Cell(o.Generation)} | {List(o.TvmReferenced)} | {List(o.TvmDefined)} |");
                sb.AppendLine();
            }
            foreach (var n in l.Notes) sb.AppendLine($"- note: {Md(n)}");
            foreach (var s in l.Skipped) sb.AppendLine($"- skipped `{Cell(s.Path)}`: {Md(s.Reason)}");
            if (l.Skipped.Count > 0 || l.Notes.Count > 0) sb.AppendLine();
            if (l.UncheckedCount > 0)
            {
                sb.AppendLine($"Not checked ({l.UncheckedCount}; give the NDK's system library folder to check libc/libm/libdl/liblog references): {string.Join(", ", l.Unchecked.Take(40).Select(u => $"`{u}`"))}{(l.UncheckedCount > 40 ? ", ..." : "")}");
                sb.AppendLine();
            }
        }

        if (r.Notes.Count > 0)
        {
            sb.AppendLine("## Notes");
            sb.AppendLine();
            foreach (var n in r.Notes) sb.AppendLine($"- {Md(n)}");
        }
        return sb.ToString();
    }

    /// <summary>The app's runtime stack, one row per link in load order (jar → bridge → runtime → each model library).</summary>
    private static void AppChain(StringBuilder sb, AppChain.AppChainResult app, string target)
    {
        sb.AppendLine($"## App runtime chain — {(app.Ok ? "proven" : app.Links.Any(l => l.Status == Verification.AppChain.LinkStatus.Failed) ? "**broken**" : "**not proven**")}");
        sb.AppendLine();
        sb.AppendLine($"tvm4j API: {Md(app.Api.Label)}. App: {Md(string.Join(", ", app.Inputs.Select(Binary.DisplayPath.Short)))} (target `{target}`).");
        sb.AppendLine();
        sb.AppendLine("| | link | from | to | why |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var l in app.Links)
            sb.AppendLine($"| {Verification.AppChain.AppChainSummary.Mark(l.Status)} | {Verification.AppChain.AppChainSummary.KindLabel(l.Kind)} | `{Cell(l.From)}` | `{Cell(Binary.DisplayPath.Short(l.To))}` | {Md(l.Reason)} |");
        sb.AppendLine();
        var problems = app.Links.SelectMany(l => l.Problems).ToList();
        if (problems.Count > 0) Problems(sb, problems);
        sb.AppendLine("| app library | role | generation |");
        sb.AppendLine("|---|---|---|");
        foreach (var lib in app.Libraries)
            sb.AppendLine($"| `{Cell(Binary.DisplayPath.Short(lib.Path))}` | {string.Join(", ", lib.Roles.Select(x => x.ToString().ToLowerInvariant()))} | {Md(lib.Generation)} |");
        sb.AppendLine();
    }

    /// <summary>Each runtime file with what it exports: the set the libraries were checked and linked against.</summary>
    private static void RuntimeSection(StringBuilder sb, Runtime.RuntimeSetReport runtime)
    {
        sb.AppendLine("## Runtime");
        sb.AppendLine();
        sb.AppendLine($"Given: {string.Join(", ", runtime.Given.Select(g => $"`{Cell(g)}`"))}.");
        sb.AppendLine();
        var prefixes = runtime.Files.SelectMany(f => f.TvmExports.Keys).Where(k => !k.StartsWith("other", StringComparison.Ordinal)).Distinct().ToList();
        sb.AppendLine($"| file | role | {string.Join(" | ", prefixes.Select(Md))} | DT\\_NEEDED | generation |");
        sb.AppendLine($"|---|---|{string.Concat(prefixes.Select(_ => "---|"))}---|---|");
        foreach (var f in runtime.Files)
        {
            var needed = f.Needed.Count == 0 ? "—" : string.Join("<br>", f.Needed.Select(n => $"`{Cell(n)}`" + (f.NeededMissing.Contains(n) ? " (not given)" : "")));
            var generation = Cell(f.Generation) + (f.GenerationEvidence.Count > 0 ? ": " + Md(string.Join("; ", f.GenerationEvidence)) : "");
            sb.AppendLine($"| `{Cell(f.Path)}` | {Cell(f.Role)} | {string.Join(" | ", prefixes.Select(p => f.TvmExports.GetValueOrDefault(p).ToString(System.Globalization.CultureInfo.InvariantCulture)))} | {needed} | {generation} |");
        }
        sb.AppendLine();
        foreach (var i in runtime.Ignored) sb.AppendLine($"- not part of the runtime: `{Cell(i.Path)}`: {Md(i.Reason)}");
        if (runtime.Ignored.Count > 0) sb.AppendLine();
        if (runtime.Problems.Count > 0) Problems(sb, runtime.Problems);
    }

    /// <summary>The same shape as the console: "error: headline", where, notes, one help per library.</summary>
    private static void Problems(StringBuilder sb, IReadOnlyList<Problem> problems)
    {
        foreach (var d in Diagnostics.Of(problems))
        {
            var tag = d.Severity switch { Severity.Error => "**error**", Severity.Warning => "**warning**", _ => "note" };
            sb.AppendLine($"- {tag} `{d.Code}`: {Md(d.Headline)}");
            if (d.Where.Count > 0) sb.AppendLine($"  - in: {string.Join(", ", d.Where.Select(w => $"`{Cell(w)}`"))}");
            foreach (var n in d.Notes) sb.AppendLine($"  - note: {Md(n)}");
            if (d.Help is { } help) sb.AppendLine($"  - help: {Md(Errors.Remedy.Neutral(help))}");
        }
        sb.AppendLine();
    }

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "—" : string.Join("<br>", items.Select(i => $"`{Cell(i)}`"));

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>Escapes the characters that would turn prose into Markdown markup (symbol names are full of underscores).</summary>
    private static string Md(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            if (c is '\\' or '*' or '_' or '`' or '|' or '<' or '>' or '[' or ']') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
