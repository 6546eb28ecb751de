using Ava.Compiler.Abi;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// Link 2, JNI bridge → TVM runtime: every TVM symbol the bridge imports (the C API, TVM*, and C++ tvm:: helpers) must
/// be exported by the runtime set it loads, and each runtime file is diagnosed by the C-API generation it exports.
/// </summary>
internal static class BridgeToRuntime
{
    public const string Kind = "bridge-runtime";

    public static ChainLink Run(IReadOnlyList<AppLibrary> bridges, IReadOnlyList<AppLibrary> runtimeSet, IReadOnlyDictionary<AppLibrary, RuntimeExportDiagnosis.Diagnosis> diagnoses, AbiProfile profile)
    {
        var bridgeNames = bridges.Count == 0 ? "JNI bridge" : string.Join(" + ", bridges.Select(b => b.FileName));
        var runtimeNames = runtimeSet.Count == 0 ? "TVM runtime" : string.Join(" + ", runtimeSet.Select(r => r.FileName));
        if (bridges.Count == 0)
            return Link(bridgeNames, runtimeNames, LinkStatus.Unproven, "No JNI bridge was found in the app, so there are no bridge imports to resolve.", "no-bridge",
                "Pass the app's jniLibs/arm64-v8a/ folder (with libtvm4j.so or libtvm4j_runtime_packed.so), the .aar or the .apk with --app.", []);

        var exports = runtimeSet.SelectMany(r => r.Object.Exports.Select(s => s.Name)).ToHashSet(StringComparer.Ordinal);
        var problems = new List<Problem>();
        var imported = 0;
        foreach (var bridge in bridges)
        {
            var local = bridge.Object.Exports.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var s in bridge.Object.Imports.Where(s => IsTvm(s.Name)).Select(s => s.Name).Distinct().Order(StringComparer.Ordinal))
            {
                imported++;
                if (exports.Contains(s) || local.Contains(s)) continue;
                var oldRuntime = runtimeSet.FirstOrDefault(r => diagnoses[r].Old.Count > 0);
                problems.Add(new Problem
                {
                    Severity = Severity.Error,
                    Code = "unresolved-symbol",
                    Message = $"{bridge.FileName} imports {s}, which no library of its runtime set ({runtimeNames}) exports"
                              + (oldRuntime is null ? "." : $"; {oldRuntime.FileName} is the {diagnoses[oldRuntime].Label}."),
                    Fix = $"Ship the runtime the bridge was built against: libtvm_runtime.so and libtvm_ffi.so from {profile.Runtime}, or the packed libtvm4j_runtime_packed.so built with them.",
                    Symbol = s,
                    Where = [bridge.Path],
                    Proof = "dynamic-symbols",
                });
            }
        }
        var runtimeLabel = string.Join("; ", runtimeSet.Select(r => $"{r.FileName}: {diagnoses[r].Label}"));
        if (problems.Count > 0)
        {
            var first = problems[0];
            // Android's linker binds every symbol when the library is loaded (no lazy binding), so this fails in
            // System.loadLibrary, before any native method is called.
            var reason = $"System.loadLibrary fails before any native call: dlopen cannot locate symbol \"{first.Symbol}\" referenced by {first.Where[0].Split('!', '/').Last()}"
                         + $"{(problems.Count > 1 ? $" (and {problems.Count - 1} more TVM symbol(s))" : "")}; {(runtimeLabel.Length == 0 ? "no TVM runtime library was found in the app" : runtimeLabel)}.";
            return Link(bridgeNames, runtimeNames, LinkStatus.Failed, reason, null, null, problems);
        }
        var ok = imported == 0
            ? $"{bridgeNames} imports no TVM symbol: it carries the runtime itself ({runtimeLabel})."
            : $"All {imported} TVM symbols {bridgeNames} imports are exported by {runtimeNames} ({runtimeLabel}).";
        return Link(bridgeNames, runtimeNames, LinkStatus.Ok, ok, null, null, []);
    }

    /// <summary>The TVM surface: C functions named TVM* and C++ symbols in namespace tvm (Itanium mangling N3tvm...).</summary>
    internal static bool IsTvm(string name) =>
        name.StartsWith("TVM", StringComparison.Ordinal) || (name.StartsWith("_Z", StringComparison.Ordinal) && name.Contains("N3tvm", StringComparison.Ordinal));

    private static ChainLink Link(string from, string to, LinkStatus status, string reason, string? code, string? fix, IReadOnlyList<Problem> problems) => new()
    {
        Kind = Kind, From = from, To = to, Status = status, Reason = reason,
        Problems = code is null ? problems : [new Problem { Severity = Severity.Error, Code = code, Message = reason, Fix = fix!, Proof = "dynamic-symbols" }],
    };
}
