using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>The architecture rule: every object is of the target's format, word size and architecture.</summary>
internal sealed class ArchitectureRule(TargetSpec target)
{
    public void Check(BinaryObject o, List<Problem> problems)
    {
        var format = o.Format == ObjectFormat.Elf ? "elf" : "mach-o";
        if (format == target.Format && o.Bits == target.Bits && o.Architecture == target.Architecture) return;
        problems.Add(LibraryProblems.ArchitectureMismatch(o, target));
    }
}
