namespace Ava.Compiler.Errors;

/// <summary>
/// Exit 3 with kind "disk-full": a disk alc writes to (build folder, dist/, registry, the Hub cache, a report folder) has
/// no room. The environment, not the toolchain, so JSON says "disk-full" rather than "toolchain-missing".
/// </summary>
public class DiskFullException(string problem, string fix, Exception? inner = null) : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.ToolchainMissing;
    public override string Kind => "disk-full";
}

/// <summary>Exit 75 ("busy", EX_TEMPFAIL): another alc run holds the build folder; retrying later is the fix.</summary>
public sealed class BusyException(string problem, string fix, Exception? inner = null) : AlcException(problem, fix, inner)
{
    public override ExitCode ExitCode => ExitCode.Busy;
    public override string Kind => "busy";
}
