using Ava.Compiler.Abi;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// The required-marker rule: what a complete library of the profile's generation must reference and define. Which
/// references are required comes from the profile (<see cref="ReferenceRule.Required"/>), each with the codegen lines
/// it is read from: <c>always</c> ones for every host module, blob or shared object; <c>with-device-module</c> ones only
/// when the host module calls packed functions by name (it has <c>.tvm_func.&lt;name&gt;</c> handle slots), which is how
/// it launches device kernels; <c>optional</c> ones never. A CPU-only library launches no kernel and references neither
/// TVMFFIFunctionCall nor TVMBackendGetFuncFromEnv (the real v0.22 CPU output in tests/fixtures/tvm-v0.22.0-real).
/// </summary>
internal sealed class RequiredMarkerRule(AbiProfile profile)
{
    /// <summary>What the rule needs to know about one object, gathered in the library check's single symbol pass.</summary>
    /// <param name="References">TVM names it imports plus the functions its context-pointer slots stand for.</param>
    /// <param name="Defines">Whether it defines an external symbol ending with the text.</param>
    /// <param name="HandleSlots">Local packed-function handle slots (<c>.tvm_func.&lt;name&gt;</c>), a few kept by name.</param>
    /// <param name="HandleSlotCount">How many handle slots it has.</param>
    public sealed record ObjectFacts(
        BinaryObject Object, ObjectRole Role, IReadOnlySet<string> References, Func<string, bool> Defines, int Functions,
        IReadOnlyList<string> HandleSlots, int HandleSlotCount);

    public void Check(IReadOnlyList<ObjectFacts> objects, List<Problem> problems, string display)
    {
        var host = profile.HostObject;
        var device = profile.DeviceObject;
        foreach (var f in objects)
        {
            var o = f.Object;
            switch (f.Role)
            {
                case ObjectRole.Host:
                    RequireAlways(f, host.References, "lib0.o (the host module)", "in a system-lib host module", problems);
                    RequireWithDeviceModule(f, host, problems);
                    if (!f.Defines(host.ContextSuffix))
                        problems.Add(LibraryProblems.NoContextPointer(o.Path, host.ContextSuffix, profile));
                    if (f.Functions == 0)
                        problems.Add(LibraryProblems.NoPackedFunctions(o.Path, host.FunctionPrefix, profile));
                    break;
                case ObjectRole.Device:
                    RequireAlways(f, device.References, "<prefix>devc.o (the import blob)", "in a system-lib import blob", problems);
                    if (!f.Defines(device.BlobSuffix))
                        problems.Add(LibraryProblems.NoBlob(o.Path, device.BlobSuffix, profile));
                    break;
                case ObjectRole.SharedLibrary when profile.SharedLibrary is { } rule:
                    RequireAlways(f, rule.References, "the shared-object library", "in a shared-object build", problems);
                    if (!f.Defines(rule.BlobSuffix))
                        problems.Add(LibraryProblems.NoBlob(o.Path, rule.BlobSuffix, profile));
                    break;
            }
        }
        if (objects.Any(f => f.Role == ObjectRole.SharedLibrary)) return;
        var hasHost = objects.Any(f => f.Role == ObjectRole.Host);
        var hasDevice = objects.Any(f => f.Role == ObjectRole.Device);
        if (hasHost && !hasDevice)
            problems.Add(LibraryProblems.NoDeviceObject(display, device.BlobSuffix, profile));
        if (hasDevice && !hasHost)
            problems.Add(LibraryProblems.NoHostObject(display, host.FunctionPrefix, profile));
    }

    /// <summary>References codegen emits on a path every such module takes; the message says where the source says so.</summary>
    private void RequireAlways(ObjectFacts f, IReadOnlyList<ReferenceRule> rules, string what, string where, List<Problem> problems)
    {
        foreach (var r in rules)
            if (r.Required == ReferenceRule.Always && !f.References.Contains(r.Symbol))
                problems.Add(LibraryProblems.NotReferencedAlways(f.Object.Path, what, where, r, profile));
    }

    /// <summary>
    /// References emitted with every call of a packed function by name. Codegen creates a local handle slot for each
    /// such callee in the same code path, so a host module with handle slots and without these references was not
    /// written by this generation's codegen. Without handle slots (CPU-only, or a stripped object) nothing is required.
    /// </summary>
    private void RequireWithDeviceModule(ObjectFacts f, HostObjectRule host, List<Problem> problems)
    {
        if (f.HandleSlotCount == 0 || host.DeviceModuleEvidence is not { } evidence) return;
        var examples = string.Join(", ", f.HandleSlots.Take(3)) + (f.HandleSlotCount > 3 ? ", …" : "");
        foreach (var r in host.References)
            if (r.Required == ReferenceRule.WithDeviceModule && !f.References.Contains(r.Symbol))
                problems.Add(LibraryProblems.NotReferencedWithDeviceModule(f.Object.Path, f.HandleSlotCount, examples, evidence.Source, r, profile));
    }

    /// <summary>The facts of every object with a TVM role, from the scans already made.</summary>
    public static List<ObjectFacts> FactsOf(IEnumerable<SymbolScan> scans, IReadOnlyDictionary<BinaryObject, ObjectRole> roles)
    {
        var scratch = new char[256];
        var facts = new List<ObjectFacts>();
        foreach (var scan in scans)
        {
            var o = scan.Object;
            if (roles[o] == ObjectRole.Other) continue;
            var refs = scan.TvmImports.Concat(scan.SlotTargets).ToHashSet(StringComparer.Ordinal);
            facts.Add(new ObjectFacts(o, roles[o], refs, suffix => scan.Defines(suffix, ref scratch), scan.Functions, scan.HandleSlots, scan.HandleSlotCount));
        }
        return facts;
    }
}
