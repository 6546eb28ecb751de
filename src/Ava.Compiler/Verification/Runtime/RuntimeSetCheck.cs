using Ava.Compiler.Errors;
using Ava.Compiler.Abi;

namespace Ava.Compiler.Verification.Runtime;

/// <summary>
/// What is wrong with a runtime set for an ABI profile, named by the files actually given: a file of another
/// generation (<c>runtime-generation</c>: "exports the old C API (TVMFuncCall …): it is a ≤ v0.20 runtime"), and a
/// part of the runtime that no file exports (<c>runtime-incomplete</c>: "exports no TVMFFI* symbols: they live in
/// libtvm_ffi.so — pass it too", saying so exactly when a member links that library but it was not given).
/// Both are errors: AVA's runtime must be the profile's, whole.
/// </summary>
public static class RuntimeSetCheck
{
    public static IReadOnlyList<Problem> Run(RuntimeSet set, AbiProfile profile)
    {
        var problems = new List<Problem>();
        var index = set.Generations.IndexOf(profile.Generation);
        var fix = RuntimeSet.FixText(set.Layout, set.Input).Replace("AVA's runtime", $"AVA's runtime, built from {profile.Runtime}", StringComparison.Ordinal);

        foreach (var m in set.Members.Where(m => m.Generation.Diagnosed && !m.Generation.Allows(index)))
        {
            var against = m.Generation.Evidence.Where(e => index < e.Lo || index >= e.Hi).ToList();
            if (against.Count == 0) against = m.Generation.Evidence.ToList();
            var what = Join(against.Select(e => $"{e.What} ({string.Join(", ", e.Symbols)})"));
            var it = m.Generation.Mixed
                ? $"its exports belong to different TVM generations, so it is no {profile.Generation} runtime"
                : $"it is a {m.Generation.Label} runtime, not {profile.Runtime}";
            problems.Add(new Problem
            {
                Severity = Severity.Error,
                Code = "runtime-generation",
                Message = $"The runtime {m.Display} exports {what}: {it}.",
                Fix = fix,
                Symbol = against[0].Symbols[0],
                Where = [m.Display],
            });
        }

        // A whole part missing: the profile needs functions of it and no file exports any. Not said of a runtime of
        // another generation: an old runtime lacks TVMFFI* because it is old, not because libtvm_ffi.so was left out.
        if (problems.Count > 0) return problems;
        foreach (var part in set.Layout.Parts)
        {
            var needed = profile.RuntimeExports.Where(s => s.StartsWith(part.ExportPrefix, StringComparison.Ordinal)).ToList();
            if (needed.Count == 0 || set.PartExportCount(part.Id) > 0) continue;
            var shown = Join(set.Members.Select(m => m.Display));
            var linking = set.Missing.Where(d => d.Library == part.Library).Select(d => d.Member).ToList();
            var message = $"The runtime {shown} export{(set.Members.Count == 1 ? "s" : "")} no {part.ExportPrefix}* symbols: they live in {part.Library} — pass it too.";
            if (linking.Count > 0)
                message += $" {Join(linking.Select(m => m.FileName))} link{(linking.Count == 1 ? "s" : "")} {part.Library} (DT_NEEDED), but {part.Library} is not among the runtime files given ({Join(set.Given.Select(g => g.Display))}).";
            var beside = set.Members.FirstOrDefault(m => File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(m.Path))!, part.Library)));
            var dir = beside is null ? null : Path.GetDirectoryName(beside.Display);
            problems.Add(new Problem
            {
                Severity = Severity.Error,
                Code = "runtime-incomplete",
                Message = message,
                Fix = beside is null
                    ? $"Add {part.Library} of the same TVM build (path/to/{part.Library}) to the runtime files{Remedy.Of(set.Input)}, or pass the folder holding both (e.g. the app's jniLibs/arm64-v8a/), or the packed {set.Layout.Packed.Library}."
                    : string.IsNullOrEmpty(dir)
                        ? $"There is a {part.Library} beside {beside.Display}: pass the folder holding both as the runtime{Remedy.Of(set.Input)}, or add that {part.Library}."
                        : $"There is a {part.Library} beside {beside.Display}: pass the folder holding both ({dir}/) as the runtime{Remedy.Of(set.Input)}, or add {Path.Combine(dir, part.Library)}.",
                Symbol = needed[0],
                Where = set.Members.Select(m => m.Display).ToList(),
            });
        }
        return problems;
    }

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}
