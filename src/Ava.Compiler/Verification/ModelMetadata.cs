using System.Text.Json;

namespace Ava.Compiler.Verification;

/// <summary>
/// The metadata MLC-LLM compiles into every model library (the JSON its VM function <c>_metadata</c> returns; compile
/// logs it as "Registering metadata"): keys from mlc-llm@7b15b196 python/mlc_llm/interface/compile.py:173-187, the
/// KV-cache shape from compiler_pass/dispatch_kv_cache_creation.py:135-142 and per-function temporary memory from
/// compiler_pass/estimate_memory_usage.py:34. Keys that older or newer MLC versions add or drop (2024's
/// <c>kv_cache_bytes</c>, 2026's <c>model_task</c>) are tolerated; the ones alc relies on are required.
/// </summary>
public sealed record ModelMetadata
{
    public required string ModelType { get; init; }

    public required string Quantization { get; init; }

    public required long ContextWindowSize { get; init; }

    /// <summary>-1 when the model has no sliding window.</summary>
    public long SlidingWindowSize { get; init; } = -1;

    public long AttentionSinkSize { get; init; } = -1;

    public required long PrefillChunkSize { get; init; }

    public long TensorParallelShards { get; init; } = 1;

    /// <summary>Absent in 2024 libraries (added to the metadata in 2024-06).</summary>
    public long? MaxBatchSize { get; init; }

    public string? KvStateKind { get; init; }

    public KvCacheShape? KvCache { get; init; }

    /// <summary>Bytes of temporary buffers MLC's memory estimator planned per Relax function.</summary>
    public IReadOnlyDictionary<string, long> MemoryUsage { get; init; } = new Dictionary<string, long>();

    public required IReadOnlyList<ParamInfo> Params { get; init; }

    /// <summary>Parses the JSON; a wrong shape is reported as the first thing wrong, as a <see cref="MetadataFormatException"/>.</summary>
    public static ModelMetadata Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new MetadataFormatException($"it is not valid JSON ({e.Message.Split('\n')[0].TrimEnd('.')})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new MetadataFormatException($"it is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
            var paramsEl = Required(root, "params", JsonValueKind.Array);
            var ps = new List<ParamInfo>();
            var i = 0;
            foreach (var p in paramsEl.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.Object) throw new MetadataFormatException($"params[{i}] is not an object");
                var name = Required(p, "name", JsonValueKind.String, $"params[{i}].").GetString()!;
                var dtype = Required(p, "dtype", JsonValueKind.String, $"params[{i}].").GetString()!;
                var dims = new List<ParamDim>();
                foreach (var d in Required(p, "shape", JsonValueKind.Array, $"params[{i}].").EnumerateArray())
                {
                    if (d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var n) && n >= 0) dims.Add(new ParamDim(n, null));
                    else if (d.ValueKind == JsonValueKind.String && d.GetString() is { Length: > 0 } sym) dims.Add(new ParamDim(null, sym));
                    else throw new MetadataFormatException($"params[{i}] ({name}) has a shape entry that is neither a size nor a symbolic name: {d.GetRawText()}");
                }
                ps.Add(new ParamInfo(name, dims, dtype));
                i++;
            }
            KvCacheShape? kv = null;
            if (root.TryGetProperty("kv_cache", out var kvEl) && kvEl.ValueKind == JsonValueKind.Object)
                kv = new KvCacheShape(Int(kvEl, "num_hidden_layers", "kv_cache."), Int(kvEl, "num_attention_heads", "kv_cache."),
                    Int(kvEl, "num_key_value_heads", "kv_cache."), Int(kvEl, "head_dim", "kv_cache."));
            var memory = new Dictionary<string, long>(StringComparer.Ordinal);
            if (root.TryGetProperty("memory_usage", out var memEl))
            {
                if (memEl.ValueKind != JsonValueKind.Object) throw new MetadataFormatException("memory_usage is not an object");
                foreach (var f in memEl.EnumerateObject())
                    memory[f.Name] = f.Value.ValueKind == JsonValueKind.Number && f.Value.TryGetInt64(out var b) && b >= 0 ? b
                        : throw new MetadataFormatException($"memory_usage.{f.Name} is not a byte count");
            }
            return new ModelMetadata
            {
                ModelType = Required(root, "model_type", JsonValueKind.String).GetString()!,
                Quantization = Required(root, "quantization", JsonValueKind.String).GetString()!,
                ContextWindowSize = Int(root, "context_window_size"),
                SlidingWindowSize = OptionalInt(root, "sliding_window_size") ?? -1,
                AttentionSinkSize = OptionalInt(root, "attention_sink_size") ?? -1,
                PrefillChunkSize = Int(root, "prefill_chunk_size"),
                TensorParallelShards = OptionalInt(root, "tensor_parallel_shards") ?? 1,
                MaxBatchSize = OptionalInt(root, "max_batch_size"),
                KvStateKind = root.TryGetProperty("kv_state_kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null,
                KvCache = kv,
                MemoryUsage = memory,
                Params = ps,
            };
        }
    }

    private static JsonElement Required(JsonElement obj, string name, JsonValueKind kind, string path = "")
    {
        if (!obj.TryGetProperty(name, out var v)) throw new MetadataFormatException($"it has no \"{path}{name}\"");
        if (v.ValueKind != kind) throw new MetadataFormatException($"\"{path}{name}\" is a {v.ValueKind.ToString().ToLowerInvariant()}, not a {kind.ToString().ToLowerInvariant()}");
        return v;
    }

    private static long Int(JsonElement obj, string name, string path = "")
    {
        var v = Required(obj, name, JsonValueKind.Number, path);
        return v.TryGetInt64(out var n) ? n : throw new MetadataFormatException($"\"{path}{name}\" is not an integer");
    }

    private static long? OptionalInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Int(obj, name) : null;
}

/// <param name="Size">A fixed size, or null for a symbolic one.</param>
/// <param name="Symbol">A symbolic size resolved from mlc-chat-config.json (e.g. <c>vocab_size</c>); null when fixed.</param>
public sealed record ParamDim(long? Size, string? Symbol)
{
    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol!;
}

public sealed record ParamInfo(string Name, IReadOnlyList<ParamDim> Shape, string Dtype);

public sealed record KvCacheShape(long NumHiddenLayers, long NumAttentionHeads, long NumKeyValueHeads, long HeadDim);

/// <summary>The metadata string is not the JSON shape MLC writes (the message says what is wrong).</summary>
public sealed class MetadataFormatException(string message) : Exception(message);
