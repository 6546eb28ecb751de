using System.Text.Json.Serialization;
using Ava.Compiler.Binary;

namespace Ava.Compiler.Verification;

/// <summary>
/// What a library's own metadata says, as shown by <c>alc verify</c> (table, JSON, markdown). The full parameter list
/// stays in <see cref="Metadata"/> for the package proof and is summarised here (count and bytes).
/// </summary>
public sealed record LibraryMetadata
{
    /// <summary>Where it was read: the device object and its blob symbol.</summary>
    public required string Source { get; init; }

    public required string ModelType { get; init; }

    public required string Quantization { get; init; }

    public required long ContextWindowSize { get; init; }

    public required long SlidingWindowSize { get; init; }

    public required long PrefillChunkSize { get; init; }

    public required long AttentionSinkSize { get; init; }

    public required long TensorParallelShards { get; init; }

    public long? MaxBatchSize { get; init; }

    public string? KvStateKind { get; init; }

    public KvCacheShape? KvCache { get; init; }

    public required int ParamCount { get; init; }

    /// <summary>Bytes of all parameters; null while a symbolic dimension is unresolved (no mlc-chat-config.json beside the library).</summary>
    public long? ParamBytes { get; init; }

    /// <summary>Symbolic dimensions (e.g. vocab_size) that could not be resolved; empty when all were.</summary>
    public IReadOnlyList<string> UnresolvedDims { get; init; } = [];

    /// <summary>The largest temporary buffer of any function (MLC's own estimate takes the maximum over all of them).</summary>
    public required long MaxTemporaryBytes { get; init; }

    /// <summary>The function with that largest buffer.</summary>
    public string? MaxTemporaryFunction { get; init; }

    [JsonIgnore]
    public ModelMetadata Metadata { get; init; } = null!;

    /// <summary>One line for tables: model type, quantization, context, prefill chunk, parameter count and bytes.</summary>
    public string Describe() =>
        $"{ModelType} {Quantization}, context {ContextWindowSize}{(SlidingWindowSize > 0 ? $" (sliding {SlidingWindowSize})" : "")}, prefill {PrefillChunkSize}, " +
        $"{ParamCount} params, {(ParamBytes is { } b ? Bytes(b) : $"bytes need {string.Join(", ", UnresolvedDims)} (from mlc-chat-config.json)")}";

    public static string Bytes(long b) => b >= 1L << 30 ? $"{b / (double)(1L << 30):0.00} GiB" : $"{b / (double)(1L << 20):0.0} MiB";

    /// <summary>The cell shown when there is no metadata.</summary>
    public static string Missing(LibraryResult l) =>
        l.Problems.Any(p => p.Code == "malformed-metadata") ? "malformed (see problems)" : l.MetadataNote is null ? "-" : "none: " + l.MetadataNote;

    public static LibraryMetadata From(ModelMetadata m, string source, IReadOnlyDictionary<string, long>? symbols)
    {
        var (bytes, unresolved) = ParamBytesOf(m, symbols);
        var top = m.MemoryUsage.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault();
        return new LibraryMetadata
        {
            Source = source,
            ModelType = m.ModelType,
            Quantization = m.Quantization,
            ContextWindowSize = m.ContextWindowSize,
            SlidingWindowSize = m.SlidingWindowSize,
            PrefillChunkSize = m.PrefillChunkSize,
            AttentionSinkSize = m.AttentionSinkSize,
            TensorParallelShards = m.TensorParallelShards,
            MaxBatchSize = m.MaxBatchSize,
            KvStateKind = m.KvStateKind,
            KvCache = m.KvCache,
            ParamCount = m.Params.Count,
            ParamBytes = unresolved.Count == 0 ? bytes : null,
            UnresolvedDims = unresolved,
            MaxTemporaryBytes = top.Key is null ? 0 : top.Value,
            MaxTemporaryFunction = top.Key,
            Metadata = m,
        };
    }

    /// <summary>
    /// Parameter bytes the way MLC computes them (mlc-llm@7b15b196 cli/model_metadata.py:46-83): product of the shape,
    /// symbolic dims looked up in mlc-chat-config.json's top level, times the dtype's item size.
    /// </summary>
    public static (long Bytes, IReadOnlyList<string> Unresolved) ParamBytesOf(ModelMetadata m, IReadOnlyDictionary<string, long>? symbols)
    {
        long total = 0;
        var unresolved = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in m.Params)
        {
            var elements = 1L;
            var ok = true;
            foreach (var d in p.Shape)
            {
                var n = d.Size ?? (symbols is not null && symbols.TryGetValue(d.Symbol!, out var v) ? v : (long?)null);
                if (n is null) { unresolved.Add(d.Symbol!); ok = false; continue; }
                elements = checked(elements * n.Value);
            }
            var item = Dtypes.ItemBytes(p.Dtype);
            if (item is null) { unresolved.Add($"dtype {p.Dtype}"); ok = false; }
            if (ok) total = checked(total + elements * item!.Value);
        }
        return (total, unresolved.ToList());
    }
}

/// <summary>TVM dtype strings (runtime/data_type.h): item size = bits × lanes / 8, as <c>DataType(dtype).itemsize</c>.</summary>
public static class Dtypes
{
    public static long? ItemBytes(string dtype)
    {
        if (dtype == "bool") return 1;
        if (dtype.StartsWith("float8", StringComparison.Ordinal)) return 1;
        if (dtype.StartsWith("float4", StringComparison.Ordinal)) return null;
        var lanes = 1L;
        var x = dtype.IndexOf('x');
        var body = dtype;
        if (x > 0 && long.TryParse(dtype[(x + 1)..], out var l) && l > 0) { lanes = l; body = dtype[..x]; }
        foreach (var prefix in new[] { "bfloat", "float", "uint", "int" })
            if (body.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(body[prefix.Length..], out var bits) && bits is > 0 and <= 64 && bits % 8 == 0)
                return bits / 8 * lanes;
        return null;
    }
}

/// <summary>Finds and parses the metadata of one library from its objects' packed blobs.</summary>
public static class MetadataReader
{
    /// <summary>The outcome for one library: metadata, or why there is none, or a problem with it.</summary>
    public sealed record Outcome(ModelMetadata? Metadata, string? Source, string? Absent, Problem? Problem);

    public static Outcome Read(IReadOnlyList<ArtifactEntry> entries)
    {
        var blobs = entries.Where(e => e.Object?.Blob is not null).Select(e => (e.Path, Blob: e.Object!.Blob!)).ToList();
        if (blobs.Count == 0)
            return new Outcome(null, null, "no packed blob (<prefix>devc.o) in this library, so no MLC-LLM metadata to read", null);
        foreach (var (path, blob) in blobs)
        {
            var source = $"{path} ({blob.Symbol})";
            if (blob.Damage is not null)
                return new Outcome(null, source, null, Malformed(path, $"its packed blob {blob.Symbol} cannot be read: {blob.Damage}"));
            if (blob.Executable is null) continue;
            if (!blob.Executable.HasMetadataFunction) continue;
            if (blob.Executable.MetadataJson is null)
                return new Outcome(null, source, null, Malformed(path, "its _metadata function returns no string"));
            try
            {
                return new Outcome(ModelMetadata.Parse(blob.Executable.MetadataJson), source, null, null);
            }
            catch (MetadataFormatException e)
            {
                return new Outcome(null, source, null, Malformed(path, $"the metadata its _metadata function returns is malformed: {e.Message}"));
            }
        }
        var exe = blobs.FirstOrDefault(b => b.Blob.Executable is not null);
        return new Outcome(null, null, exe.Blob is null
            ? $"the packed blob holds no VM executable (modules: {string.Join(", ", blobs[0].Blob.ModuleKeys)})"
            : "the VM executable has no _metadata function (not compiled by MLC-LLM, or by an MLC-LLM older than 2023-11, mlc-llm 7ccb51ac #1203)", null);
    }

    private static Problem Malformed(string path, string what) => new()
    {
        Severity = Severity.Error,
        Code = "malformed-metadata",
        Message = $"{path}: {what}.",
        Fix = "Compile the model again with 'mlc_llm compile' (the device object <prefix>devc.o was damaged or edited after compiling); if it came from a download, download it again.",
        Where = [path],
        Proof = "metadata",
    };
}
