namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// Every Python package of the lock (<c>python.packages</c>) imports in the toolchain's interpreter: the modules
/// <c>import mlc_llm</c> loads, and torch / safetensors / ml_dtypes, which convert_weight imports only when it reads the
/// first weight file — after the download — so a missing one is named here, before it.
/// </summary>
public sealed class PythonPackagesCheck : DoctorCheck
{
    public override string Id => "python-packages";

    public override string Title => "Python packages";

    public override IReadOnlyList<string> DependsOn => ["python"];

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var packages = c.Lock.Python.Packages;
        var expected = $"{packages.Count} packages of toolchain.lock.json import ({string.Join(", ", packages.Select(p => p.Module))})";
        var probe = await c.Probe!.RunAsync("imports",
            new Dictionary<string, string> { ["ALC_PROBE_IMPORTS"] = string.Join(',', packages.Select(p => p.Module)) }, cancellationToken);
        if (!probe.Ok || probe.Data is not { } data || !data.TryGetProperty("modules", out var modules))
            return Fail($"the import probe failed: {probe.Error}", expected, Fixes.ForPythonError(probe.Error ?? "", c));

        var missing = new List<(PythonPackage Package, string Error)>();
        var notes = new List<string>();
        foreach (var p in packages)
        {
            if (!modules.TryGetProperty(p.Module, out var m)) continue;
            if (m.TryGetProperty("ok", out var ok) && ok.ValueKind == System.Text.Json.JsonValueKind.True)
            {
                if (m.TryGetProperty("warnings", out var w) && w.GetArrayLength() > 0)
                    notes.Add($"import {p.Module} warned: {string.Join(" | ", w.EnumerateArray().Select(e => e.GetString()))}");
                continue;
            }
            missing.Add((p, m.TryGetProperty("error", out var e) ? e.GetString() ?? "" : ""));
        }
        var required = missing.Where(x => x.Package.Required).ToList();
        var optional = missing.Where(x => !x.Package.Required).ToList();
        string Describe((PythonPackage Package, string Error) x) => $"{x.Error} — needed by {x.Package.Phase}: {x.Package.Reason} ({x.Package.NeededBy.FirstOrDefault(n => !n.Contains("requirements.txt", StringComparison.Ordinal) && !n.Contains("pyproject.toml", StringComparison.Ordinal))})";
        if (required.Count > 0)
            return Fail(string.Join("; ", required.Select(Describe)), expected, Install(c, required.Select(x => x.Package)));
        if (optional.Count > 0)
            return Warn($"{packages.Count - optional.Count} of {packages.Count} import; optional and missing: {string.Join("; ", optional.Select(Describe))}",
                expected, Install(c, optional.Select(x => x.Package)));
        var found = $"all {packages.Count} import";
        return notes.Count > 0 ? Warn($"{found}; {string.Join("; ", notes)}", expected, "Optional: the warnings do not stop MLC-LLM.") : Pass(found, expected);
    }

    /// <summary>The pip command that installs exactly these packages, each from its index (CPU torch).</summary>
    public static string Install(DoctorContext c, IEnumerable<PythonPackage> packages)
    {
        var commands = packages.GroupBy(p => p.IndexFor(c.Host.Os))
            .Select(g => $"{c.PythonCommand} -m pip install {(g.Key is null ? "" : $"--index-url {g.Key} ")}{string.Join(' ', g.Select(p => $"'{p.Requirement}'"))}");
        return $"Install into the toolchain's interpreter: '{string.Join(" && ", commands)}' (the list and the reasons: 'alc toolchain requirements'), {Fixes.Setup}.";
    }
}
