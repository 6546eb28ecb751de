namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary><c>import tvm_ffi</c> works and is apache-tvm-ffi 0.1.0, the version TVM v0.22.0 vendors.</summary>
public sealed class TvmFfiCheck : DoctorCheck
{
    public override string Id => "tvm-ffi";

    public override string Title => "tvm-ffi package";

    public override IReadOnlyList<string> DependsOn => ["python"];

    /// <summary>An import slower than this is shown (the first import with torch JIT-builds an extension).</summary>
    public const double SlowImportSeconds = 20;

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var expected = $"{c.Lock.TvmFfi.Package} {c.Lock.TvmFfi.Version} (from TVM's {c.Lock.TvmFfi.SourceSubdirectory})";
        var probe = await c.Probe!.RunAsync("tvm_ffi", cancellationToken);
        if (!probe.Ok)
            return Fail($"import tvm_ffi failed: {probe.Error}", expected, Fixes.ForPythonError(probe.Error!, c));
        var version = probe.String("version") ?? probe.String("distributionVersion") ?? "unknown";
        var found = $"tvm_ffi {version} at {Path.GetDirectoryName(probe.String("file"))}";
        if (version != c.Lock.TvmFfi.Version) return Fail(found, expected, Fixes.InstallTvmFfi(c));
        // tvm_ffi 0.1.0 imports torch when present and JIT-builds an optional DLPack extension, only warning when that
        // fails (tvm-ffi@9a6ec6ee:python/tvm_ffi/_optional_torch_c_dlpack.py:598-627): shown, never a failure.
        var warnings = probe.Strings("warnings");
        var seconds = probe.Data is { } d && d.TryGetProperty("importSeconds", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number ? s.GetDouble() : 0;
        if (warnings.Count == 0 && seconds < SlowImportSeconds) return Pass(found, expected);
        var notes = new List<string>();
        if (warnings.Count > 0) notes.Add("import warned: " + string.Join(" | ", warnings));
        if (seconds >= SlowImportSeconds) notes.Add($"import took {seconds:0.#} s");
        return Warn($"{found}; {string.Join("; ", notes)}", expected,
            "Optional, nothing is broken: with torch installed, tvm_ffi 0.1.0 builds a DLPack helper for torch with torch.utils.cpp_extension " +
            "the first time it is imported (slow once, cached afterwards) and only warns when it cannot (no ninja or C++ compiler). " +
            $"Install ninja and a C++ compiler into the toolchain ('{c.PythonCommand} -m pip install ninja') to build it once, or ignore the warning.");
    }
}
