using Ava.Compiler.Abi;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// Which TVM C API a runtime library exports, from the same ABI data as the model-library checks: a marker of
/// abi/generations.json that the profile's generation no longer emits (TVMFuncCall...) means the old API; one that only a
/// later generation emits and the profile's runtimeExports lack (TVMFFIHandleInitOnce) means a newer tvm-ffi; otherwise
/// the profile's export list says how much of the v0.22 / tvm-ffi 0.1.0 surface it carries.
/// </summary>
internal static class RuntimeExportDiagnosis
{
    public sealed record Diagnosis(string Label, IReadOnlyList<string> Old, IReadOnlyList<string> Newer, int ProfileExports);

    public static Diagnosis Of(IReadOnlySet<string> exports, AbiProfile profile)
    {
        var g = profile.Generations;
        var at = g.IndexOf(profile.Generation);
        var surface = profile.RuntimeExports.ToHashSet(StringComparer.Ordinal);
        var old = new List<string>();
        var newer = new List<string>();
        foreach (var m in g.Markers)
        {
            if (m.Symbol is null || surface.Contains(m.Symbol) || !exports.Contains(m.Symbol)) continue;
            var (lo, hi) = g.RangeOf(m);
            if (hi <= at) old.Add(m.Symbol);
            else if (lo > at) newer.Add(m.Symbol);
        }
        var carried = profile.RuntimeExports.Count(exports.Contains);
        var ffi = exports.Any(e => e.StartsWith("TVMFFI", StringComparison.Ordinal));
        string label;
        if (old.Count > 0) label = $"{g.Label(g.Order[0])}: exports {string.Join(", ", old)}";
        else if (newer.Count > 0) label = $"newer than {profile.Runtime}: exports {string.Join(", ", newer)}";
        else if (ffi) label = $"{profile.Runtime} C API ({carried} of {profile.RuntimeExports.Count} exports)";
        else if (exports.Any(e => e.StartsWith("TVM", StringComparison.Ordinal))) label = $"TVM runtime without the tvm-ffi C API ({carried} of {profile.RuntimeExports.Count} exports; the rest live in libtvm_ffi.so)";
        else label = "no TVM exports";
        return new Diagnosis(label, old, newer, carried);
    }
}
