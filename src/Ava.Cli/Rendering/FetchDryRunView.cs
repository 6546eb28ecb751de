using Ava.Compiler.HuggingFace;

namespace Ava.Cli.Rendering;

/// <summary>
/// `alc fetch --dry-run` on stdout, as hf download prints it (huggingface/huggingface_hub@002a326f:
/// src/huggingface_hub/cli/download.py, _print_result): one summary line, then each file with its size, '-' for a file
/// that would not be downloaded. Plain aligned rows, never wrapped, so they can be piped and grepped.
/// </summary>
internal static class FetchDryRunView
{
    public static void Write(TextWriter output, FetchDryRun plan)
    {
        var download = plan.ToDownload.ToList();
        output.WriteLine($"[dry-run] {plan.Repo}@{plan.Revision} (commit {plan.Commit[..12]}): will download {download.Count} files " +
            $"(out of {plan.Files.Count}) totalling {ConsoleReporter.Bytes(plan.BytesToDownload)}" +
            (plan.FromCacheOnly ? "; answered from the cache, no network used." : "."));
        var width = plan.Files.Select(f => f.Path.Length).DefaultIfEmpty(4).Max();
        output.WriteLine($"{"file".PadRight(width)}  size");
        foreach (var f in plan.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
            output.WriteLine($"{f.Path.PadRight(width)}  {(f.WillDownload ? ConsoleReporter.Bytes(f.Size) : "-")}");
        output.Flush();
    }
}
