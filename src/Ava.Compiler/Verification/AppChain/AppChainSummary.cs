using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// The one-screen summary of the chain as plain lines (no console, no markup): the CLI prints them unwrapped, the
/// Markdown report and the compile report reuse them. Order: jar API → bridge → runtime → each model library. Paths
/// are shown by <see cref="DisplayPath.Short"/> (the folders the user's paths start with dropped).
/// </summary>
public static class AppChainSummary
{
    public static string Mark(LinkStatus s) => s switch { LinkStatus.Ok => "✓", LinkStatus.Failed => "✗", _ => "?" };

    public static string KindLabel(string kind) => kind switch
    {
        "jar-bridge" => "jar → JNI bridge",
        "bridge-runtime" => "JNI bridge → runtime",
        AppChainVerifier.RuntimeModelKind => "runtime → model library",
        _ => kind,
    };

    public static IReadOnlyList<string> Lines(AppChainResult chain, string target)
    {
        var lines = new List<string>();
        var verdict = chain.Ok ? "PROVEN — every link resolves"
            : chain.Links.Any(l => l.Status == LinkStatus.Failed) ? "BROKEN — the app fails at run time"
            : "NOT PROVEN — a link cannot be checked statically";
        lines.Add($"App runtime chain ({target}): {verdict}");
        lines.Add($"  tvm4j API: {chain.Api.Label}{(chain.Api.Sources.Count > 0 ? $" [{string.Join(", ", chain.Api.Sources.Select(DisplayPath.Short))}]" : "")}");
        foreach (var l in chain.Links)
        {
            lines.Add($"  {Mark(l.Status)} {KindLabel(l.Kind)}: {l.From} → {DisplayPath.Short(l.To)}");
            lines.Add($"      {l.Reason}");
        }
        foreach (var lib in chain.Libraries)
            lines.Add($"  {DisplayPath.Short(lib.Path)}: {string.Join("+", lib.Roles.Select(r => r.ToString().ToLowerInvariant()))}; {lib.Generation}{(lib.Needed.Count > 0 ? $"; needs {string.Join(", ", lib.Needed)}" : "")}{(lib.RegistersNativesOnLoad ? "; exports JNI_OnLoad" : "")}");
        return lines;
    }
}
