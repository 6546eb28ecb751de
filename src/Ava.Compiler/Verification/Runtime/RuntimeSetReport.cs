namespace Ava.Compiler.Verification.Runtime;

/// <summary>
/// The runtime set as the verification report shows it (JSON <c>runtimeSet</c>, the Markdown "Runtime" table, the
/// console): each file with what it exports and its diagnosed generation, the files of given folders left out, and
/// the problems of the set itself.
/// </summary>
public sealed record RuntimeSetReport
{
    /// <summary>What was given (files and folders), as given.</summary>
    public required IReadOnlyList<string> Given { get; init; }

    public required IReadOnlyList<RuntimeFileReport> Files { get; init; }

    public IReadOnlyList<SkippedMember> Ignored { get; init; } = [];

    public IReadOnlyList<Problem> Problems { get; init; } = [];

    public static RuntimeSetReport Of(RuntimeSet set, IReadOnlyList<Problem> problems) => new()
    {
        Given = set.Given.Select(g => g.Display).ToList(),
        Files = set.Members.Select(m => RuntimeFileReport.Of(set, m)).ToList(),
        Ignored = set.Ignored.Select(i => new SkippedMember(i.Display, i.Reason)).ToList(),
        Problems = problems,
    };
}

public sealed record RuntimeFileReport
{
    public required string Path { get; init; }

    /// <summary>packed, tvm-ffi, tvm-runtime, tvm-other or other (from what it exports).</summary>
    public required string Role { get; init; }

    public required string Architecture { get; init; }

    public string? Soname { get; init; }

    /// <summary>DT_NEEDED entries, in order.</summary>
    public required IReadOnlyList<string> Needed { get; init; }

    /// <summary>DT_NEEDED entries no file of the set provides (system libraries excluded).</summary>
    public IReadOnlyList<string> NeededMissing { get; init; } = [];

    /// <summary>Exported TVM functions per prefix: <c>TVMFFI*</c>, <c>TVMBackend*</c>, <c>other TVM*</c>.</summary>
    public required IReadOnlyDictionary<string, int> TvmExports { get; init; }

    /// <summary>Exported TVM names outside the runtime parts (e.g. the old C API's TVMFuncCall).</summary>
    public IReadOnlyList<string> OtherTvmExports { get; init; } = [];

    /// <summary>The generation its exports point to ("≥ v0.22", "≤ v0.20", "not diagnosed ...").</summary>
    public required string Generation { get; init; }

    /// <summary>What the diagnosis rests on: "the old C API (TVMFuncCall, TVMAPISetLastError)".</summary>
    public IReadOnlyList<string> GenerationEvidence { get; init; } = [];

    public static RuntimeFileReport Of(RuntimeSet set, RuntimeMember m)
    {
        // In layout order (tvm-ffi, then the backend), the order messages and tables use.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in set.Layout.Parts) counts[part.ExportPrefix + "*"] = m.PartExports.GetValueOrDefault(part.Id);
        counts["other TVM*"] = m.OtherTvmExports.Count;
        return new RuntimeFileReport
        {
            Path = m.Display,
            Role = m.Role(set.Layout),
            Architecture = m.Architecture,
            Soname = m.Soname,
            Needed = m.Needed,
            NeededMissing = set.Missing.Where(d => ReferenceEquals(d.Member, m) && !d.System).Select(d => d.Library).ToList(),
            TvmExports = counts,
            OtherTvmExports = m.OtherTvmExports,
            Generation = m.Generation.Label,
            GenerationEvidence = m.Generation.Evidence.Select(e => $"{e.What} ({string.Join(", ", e.Symbols)})").ToList(),
        };
    }

    /// <summary>One line: "libtvm_ffi.so: 42 TVMFFI*, 0 TVMBackend*; generation ≥ v0.22".</summary>
    public string Summary() =>
        $"{string.Join(", ", TvmExports.Where(e => e.Value > 0 || !e.Key.StartsWith("other", StringComparison.Ordinal)).Select(e => $"{e.Value} {e.Key}"))}"
        + (Needed.Count > 0 ? $"; needs {string.Join(", ", Needed)}" : "")
        + (NeededMissing.Count > 0 ? $" ({string.Join(", ", NeededMissing)} not given)" : "")
        + $"; generation {Generation}";
}
