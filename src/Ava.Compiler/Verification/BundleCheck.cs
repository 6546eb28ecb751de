namespace Ava.Compiler.Verification;

/// <summary>
/// Libraries linked into one app build (US-3: A/B models; mlc4j links them with --whole-archive): no two may define the
/// same global symbol or share a system-lib prefix, since the runtime finds each model's functions by its prefix.
/// </summary>
internal static class BundleCheck
{
    public static List<Problem> Run(IReadOnlyList<LibraryCheck.Outcome> outcomes)
    {
        var problems = new List<Problem>();

        foreach (var group in outcomes.Where(o => !string.IsNullOrEmpty(o.Result.Prefix)).GroupBy(o => o.Result.Prefix!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var libs = group.Select(o => o.Result.Path).ToList();
            problems.Add(new Problem
            {
                Severity = Severity.Error,
                Code = "shared-prefix",
                Message = $"{string.Join(", ", libs)} share the system-lib prefix '{group.Key}': in one app the runtime cannot tell their functions and blobs apart.",
                Fix = "Give each model its own --system-lib-prefix (mlc_llm package derives <model_type>_<quantization>_<hash>_), then compile again.",
                Where = libs,
            });
        }

        var prefixes = outcomes.Select(o => (o.Result.Path, Prefix: o.Result.Prefix)).Where(p => !string.IsNullOrEmpty(p.Prefix)).DistinctBy(p => p.Prefix).ToList();
        foreach (var a in prefixes)
        foreach (var b in prefixes)
            if (!ReferenceEquals(a.Prefix, b.Prefix) && a.Prefix != b.Prefix && b.Prefix!.StartsWith(a.Prefix!, StringComparison.Ordinal))
                problems.Add(new Problem
                {
                    Severity = Severity.Warning,
                    Code = "shared-prefix",
                    Message = $"The prefix '{a.Prefix}' of {a.Path} is the start of '{b.Prefix}' ({b.Path}): a lookup of '{a.Prefix}<name>' can reach a function of the other model.",
                    Fix = "Prefer prefixes where neither starts with the other (e.g. add the hash mlc_llm package uses).",
                    Where = [a.Path, b.Path],
                });

        var owners = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        foreach (var s in o.StrongGlobals)
        {
            if (!owners.TryGetValue(s, out var l)) owners[s] = l = [];
            if (!l.Contains(o.Result.Path)) l.Add(o.Result.Path);
        }
        foreach (var pair in owners.Where(kv => kv.Value.Count > 1).GroupBy(kv => string.Join("\u0000", kv.Value)))
        {
            var libs = pair.First().Value;
            var names = pair.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
            problems.Add(new Problem
            {
                Severity = Severity.Error,
                Code = "duplicate-symbol",
                Message = $"{string.Join(" and ", libs)} both define {names.Count} global symbol(s) ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : "")}): linking them into one app fails with 'duplicate symbol'.",
                Fix = "Give each model its own --system-lib-prefix, or do not bundle the same library twice.",
                Symbol = names[0],
                Where = libs,
            });
        }
        return problems;
    }
}
