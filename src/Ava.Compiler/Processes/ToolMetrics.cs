namespace Ava.Compiler.Processes;

/// <summary>One external program run by a stage.</summary>
/// <param name="Command">The command line as shown to people (secrets redacted by the caller).</param>
/// <param name="PeakMemoryBytes">Highest resident memory of the whole process tree seen while it ran (sampled).</param>
public sealed record ToolMetrics(string Command, int ExitCode, double WallSeconds, long PeakMemoryBytes, string? LogPath);
