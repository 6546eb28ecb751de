using Ava.Compiler.Errors;
using Ava.Compiler.Abi;
using Ava.Compiler.Verification.Runtime;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// Link 2, JNI bridge → TVM runtime: every TVM symbol the bridge imports (the C API, TVM*, and C++ tvm:: helpers) must
/// be exported by the runtime set it loads (its DT_NEEDED closure in the app), and every DT_NEEDED library must ship.
/// Android's linker binds every symbol when a library is loaded (no lazy binding), so a miss fails System.loadLibrary,
/// before any native method is called.
/// </summary>
internal static class BridgeToRuntime
{
    public const string Kind = "bridge-runtime";

    /// <param name="runtimeNames">The set as the chain names it (<see cref="BridgeRuntime.Names"/>).</param>
    public static ChainLink Run(IReadOnlyList<AppLibrary> bridges, BridgeRuntime.Closure closure, RuntimeSet? set, AbiProfile profile, string runtimeNames)
    {
        var bridgeNames = bridges.Count == 0 ? "JNI bridge" : string.Join(" + ", bridges.Select(b => b.FileName));
        if (bridges.Count == 0)
            return Link(bridgeNames, runtimeNames, LinkStatus.Unproven, "No JNI bridge was found in the app, so there are no bridge imports to resolve.", "no-bridge",
                $"Pass the app's jniLibs/arm64-v8a/ folder (with libtvm4j.so or libtvm4j_runtime_packed.so), the .aar or the .apk as the app{Remedy.Of(UserInput.App)}.", []);

        var fix = $"Ship the runtime the bridge was built against: libtvm_runtime.so and libtvm_ffi.so from {profile.Runtime} beside the bridge, or the packed libtvm4j_runtime_packed.so built with them.";
        var problems = new List<Problem>();
        foreach (var (from, library) in closure.Missing)
            problems.Add(new Problem
            {
                Severity = Severity.Error, Code = "unresolved-symbol", Proof = "dynamic-symbols", Where = [from.Path], Fix = fix,
                Message = $"{from.FileName} needs {library} (DT_NEEDED), which the app does not ship for this ABI.",
            });
        var imported = 0;
        foreach (var bridge in bridges)
        {
            var own = bridge.Object.Exports.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var s in bridge.Object.Imports.Select(s => s.Name).Where(IsTvm).Distinct().Order(StringComparer.Ordinal))
            {
                imported++;
                if (own.Contains(s) || set?.Exports.Contains(s) == true) continue;
                problems.Add(new Problem
                {
                    Severity = Severity.Error, Code = "unresolved-symbol", Proof = "dynamic-symbols", Symbol = s, Where = [bridge.Path], Fix = fix,
                    Message = set is null
                        ? $"{bridge.FileName} imports {s}, but it loads no TVM runtime library (no DT_NEEDED entry names one the app ships)."
                        : $"{bridge.FileName} imports {s}, which no library of its runtime set ({runtimeNames}) exports{set.WhyMissing(s, profile.Generation)}.",
                });
            }
        }
        var runtimeLabel = set is null ? "no TVM runtime library is loaded with it"
            : string.Join("; ", set.Members.Select(m => $"{Binary.DisplayPath.FileName(m.Display)}: {Describe(m, set)}"));
        if (problems.Count > 0)
        {
            var first = problems[0];
            var what = first.Symbol is { } sym ? $"dlopen cannot locate symbol \"{sym}\" referenced by {bridges.First(b => b.Path == first.Where[0]).FileName}" : first.Message.TrimEnd('.');
            var reason = $"System.loadLibrary fails before any native call: {what}{(problems.Count > 1 ? $" (and {problems.Count - 1} more)" : "")}; {runtimeLabel}.";
            return Link(bridgeNames, runtimeNames, LinkStatus.Failed, reason, null, null, problems);
        }
        var ok = imported == 0
            ? $"{bridgeNames} imports no TVM symbol: it carries the runtime itself ({runtimeLabel})."
            : $"All {imported} TVM symbols {bridgeNames} imports are exported by its DT_NEEDED runtime ({runtimeLabel}).";
        return Link(bridgeNames, runtimeNames, LinkStatus.Ok, ok, null, null, []);
    }

    /// <summary>"tvm-runtime, TVM ≤ v0.20 (the old C API: TVMFuncCall, TVMAPISetLastError)": role, generation and the first evidence.</summary>
    internal static string Describe(RuntimeMember m, RuntimeSet set) =>
        $"{m.Role(set.Layout)}, TVM {m.Generation.Label}" +
        (m.Generation.Evidence.FirstOrDefault() is { } e ? $" ({e.What}: {string.Join(", ", e.Symbols)})" : "");

    /// <summary>The TVM surface: C functions named TVM* and C++ symbols in namespace tvm (Itanium mangling N3tvm...).</summary>
    internal static bool IsTvm(string name) =>
        name.StartsWith("TVM", StringComparison.Ordinal) || (name.StartsWith("_Z", StringComparison.Ordinal) && name.Contains("N3tvm", StringComparison.Ordinal));

    private static ChainLink Link(string from, string to, LinkStatus status, string reason, string? code, string? fix, IReadOnlyList<Problem> problems) => new()
    {
        Kind = Kind, From = from, To = to, Status = status, Reason = reason,
        Problems = code is null ? problems : [new Problem { Severity = Severity.Error, Code = code, Message = reason, Fix = fix!, Proof = "dynamic-symbols" }],
    };
}
