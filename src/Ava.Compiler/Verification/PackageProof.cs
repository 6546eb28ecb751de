using Ava.Compiler.Errors;
using System.Globalization;
using System.Text.Json;

namespace Ava.Compiler.Verification;

/// <summary>
/// The package proof: a library's own metadata against the weights and config it ships with. What the phone does with
/// them decides the rules: MLC's runtime loads every parameter the metadata lists by name from tensor-cache.json
/// (mlc-llm@7b15b196 cpp/serve/function_table.cc:160, apache/tvm@9dbf3f22 src/runtime/vm/tensor_cache_support.cc:131)
/// and runs with mlc-chat-config.json's context and prefill sizes, which must not exceed what was compiled (the
/// KV-cache and temporary buffers were sized for the compiled values: compile.py:107-119). Each mismatch is one problem
/// naming both sides and the fix; parameters are grouped per kind of mismatch so a wrong quantization is one problem,
/// not hundreds.
/// </summary>
public static class PackageProof
{
    public const string ProofName = "package";
    private const int Examples = 5;

    /// <summary>Symbolic dimensions (top-level integers of mlc-chat-config.json, as MLC's model_metadata.py:46-71 reads them).</summary>
    public static IReadOnlyDictionary<string, long>? Symbols(string? chatConfig)
    {
        if (chatConfig is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(chatConfig);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var d = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var v)) d[p.Name] = v;
            return d;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static List<Problem> Run(ModelMetadata meta, PackageFiles files, string library)
    {
        var problems = new List<Problem>();
        var configWhere = files.ChatConfigWhere!;
        var cacheWhere = files.TensorCacheWhere!;
        if (files.ChatConfig is null || files.TensorCache is null)
        {
            var missing = files.ChatConfig is null ? PackageFiles.ChatConfigName : PackageFiles.TensorCacheName;
            problems.Add(Error("package-incomplete", $"{library}: the package has no {missing}, so the phone cannot load the model with this library.",
                "Package the whole model folder: mlc-chat-config.json (mlc_llm gen_config), tensor-cache.json and params_shard_*.bin (mlc_llm convert_weight) beside the library.",
                [files.ChatConfig is null ? configWhere : cacheWhere]));
            return problems;
        }

        JsonElement config, cache;
        try
        {
            config = JsonDocument.Parse(files.ChatConfig).RootElement;
            cache = JsonDocument.Parse(files.TensorCache).RootElement;
        }
        catch (JsonException e)
        {
            problems.Add(Error("package-unreadable", $"{library}: a package JSON file is not valid JSON ({e.Message.Split('\n')[0]}).",
                "Generate the package again (mlc_llm gen_config / convert_weight, then alc compile).", [configWhere, cacheWhere]));
            return problems;
        }
        if (config.ValueKind != JsonValueKind.Object || cache.ValueKind != JsonValueKind.Object)
        {
            problems.Add(Error("package-unreadable", $"{library}: {PackageFiles.ChatConfigName} or {PackageFiles.TensorCacheName} is not a JSON object.",
                "Generate the package again (mlc_llm gen_config / convert_weight, then alc compile).", [configWhere, cacheWhere]));
            return problems;
        }
        ConfigAgainstMetadata(meta, config, library, configWhere, problems);
        ParamsAgainstCache(meta, Symbols(files.ChatConfig)!, cache, library, cacheWhere, configWhere, files, problems);
        return problems;
    }

    private static void ConfigAgainstMetadata(ModelMetadata meta, JsonElement config, string library, string where, List<Problem> problems)
    {
        var recompile = "compile the library again from this mlc-chat-config.json (alc compile), or ship the config the library was compiled from";
        if (Str(config, "model_type") is { } mt && mt != meta.ModelType)
            problems.Add(Error("package-model-type", $"{library} was compiled for model_type \"{meta.ModelType}\" but {PackageFiles.ChatConfigName} says \"{mt}\".",
                $"These files belong to different models: {recompile}.", [where]));
        if (Str(config, "quantization") is { } q && q != meta.Quantization)
            problems.Add(Error("package-quantization", $"{library} was compiled with quantization {meta.Quantization} but {PackageFiles.ChatConfigName} says {q}.",
                $"Convert the weights again with the library's quantization (mlc_llm convert_weight and gen_config --quantization {meta.Quantization}), or compile the library with quantization {q}{Remedy.Of(UserInput.Quantization)}.", [where]));
        if (Int(config, "context_window_size") is { } ctx && meta.ContextWindowSize > 0 && ctx > meta.ContextWindowSize)
            problems.Add(Error("package-context", $"{PackageFiles.ChatConfigName} asks for context_window_size {ctx}, above the {meta.ContextWindowSize} {library} was compiled for.",
                $"Set context_window_size to at most {meta.ContextWindowSize} in {PackageFiles.ChatConfigName}, or compile the library again with a context size of {ctx}{Remedy.Of(UserInput.Context)}.", [where]));
        if (Int(config, "prefill_chunk_size") is { } pre && meta.PrefillChunkSize > 0 && pre > meta.PrefillChunkSize)
            problems.Add(Error("package-prefill", $"{PackageFiles.ChatConfigName} asks for prefill_chunk_size {pre}, above the {meta.PrefillChunkSize} {library} was compiled for.",
                $"Set prefill_chunk_size to at most {meta.PrefillChunkSize} in {PackageFiles.ChatConfigName}, or compile the library again with that prefill chunk.", [where]));
        var sw = Int(config, "sliding_window_size") ?? -1;
        if (sw <= 0) sw = -1;
        var compiledSw = meta.SlidingWindowSize <= 0 ? -1 : meta.SlidingWindowSize;
        if (sw != compiledSw)
            problems.Add(Error("package-sliding-window",
                $"{library} was compiled {(compiledSw < 0 ? "without a sliding window" : $"with sliding_window_size {compiledSw}")} but {PackageFiles.ChatConfigName} {(sw < 0 ? "has none" : $"says {sw}")}.",
                $"Use the mlc-chat-config.json the library was compiled from, or {recompile}.", [where]));
    }

    private static void ParamsAgainstCache(ModelMetadata meta, IReadOnlyDictionary<string, long> symbols, JsonElement cache, string library,
        string cacheWhere, string configWhere, PackageFiles files, List<Problem> problems)
    {
        var records = new Dictionary<string, (IReadOnlyList<long>? Shape, string? Dtype)>(StringComparer.Ordinal);
        var shards = new List<(string Path, long? Bytes, string? Md5)>();
        var placed = new List<TensorCacheRecords.Shard>();
        if (cache.TryGetProperty("records", out var shardList) && shardList.ValueKind == JsonValueKind.Array)
            foreach (var shard in shardList.EnumerateArray())
            {
                if (shard.ValueKind != JsonValueKind.Object) continue;
                var inShard = new List<JsonElement>();
                if (shard.TryGetProperty("records", out var recs) && recs.ValueKind == JsonValueKind.Array)
                    foreach (var r in recs.EnumerateArray())
                        if (r.ValueKind == JsonValueKind.Object && Str(r, "name") is { } n)
                        {
                            records.TryAdd(n, (Shape(r), Str(r, "dtype")));
                            inShard.Add(r);
                        }
                if (Str(shard, "dataPath") is { } dp)
                {
                    shards.Add((dp, Int(shard, "nbytes"), Str(shard, "md5sum")));
                    placed.Add(new TensorCacheRecords.Shard(dp, Int(shard, "nbytes"), inShard));
                }
            }

        var reconvert = $"Convert the weights again for this library (mlc_llm convert_weight --quantization {meta.Quantization} --model-type {meta.ModelType}), or compile the library from the config these weights were converted with; library and weights must come from one model and one quantization.";
        var missing = meta.Params.Where(p => !records.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
            problems.Add(Error("package-param-missing",
                $"{library} expects {meta.Params.Count} parameters; {PackageFiles.TensorCacheName} has no record of {missing.Count} of them: {List(missing)}.", reconvert, [cacheWhere]));

        var dtypes = new List<string>();
        var shapes = new List<string>();
        var unresolved = new SortedSet<string>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in meta.Params)
        {
            if (!records.TryGetValue(p.Name, out var rec)) continue;
            if (rec.Dtype is not null && rec.Dtype != p.Dtype) dtypes.Add($"{p.Name} (library {p.Dtype}, weights {rec.Dtype})");
            var expected = new List<long>();
            var ok = true;
            foreach (var d in p.Shape)
            {
                if (d.Size is { } n) expected.Add(n);
                else if (symbols.TryGetValue(d.Symbol!, out var v)) expected.Add(v);
                else { unresolved.Add(d.Symbol!); ok = false; }
            }
            // Only where dtype and shape agree: otherwise package-param-dtype/-shape already name the record.
            if (ok && rec.Dtype == p.Dtype && (rec.Shape is null || expected.SequenceEqual(rec.Shape)) && Dtypes.ItemBytes(p.Dtype) is { } item) sizes[p.Name] = expected.Aggregate(item, (a, b) => checked(a * b));
            if (ok && rec.Shape is not null && !expected.SequenceEqual(rec.Shape))
                shapes.Add($"{p.Name} (library [{string.Join(", ", p.Shape.Select((d, i) => d.Size is null ? $"{d.Symbol}={expected[i]}" : d.ToString()))}], weights [{string.Join(", ", rec.Shape)}])");
        }
        if (dtypes.Count > 0)
            problems.Add(Error("package-param-dtype", $"{dtypes.Count} parameter(s) have another dtype in {PackageFiles.TensorCacheName} than {library} expects: {List(dtypes)}.", reconvert, [cacheWhere]));
        if (shapes.Count > 0)
            problems.Add(Error("package-param-shape", $"{shapes.Count} parameter(s) have another shape in {PackageFiles.TensorCacheName} than {library} expects: {List(shapes)}.", reconvert, [cacheWhere]));
        foreach (var (code, count, detail) in TensorCacheRecords.Check(placed, sizes))
            problems.Add(code == "package-record-range"
                ? Error(code, $"{count} parameter record(s) in {PackageFiles.TensorCacheName} lie outside their shard: {detail}; the phone would read past the shard.",
                    "Copy tensor-cache.json and its params_shard_*.bin from the same convert_weight run (they were mixed or edited), or convert the weights again.", [cacheWhere])
                : Error(code, $"{count} parameter record(s) in {PackageFiles.TensorCacheName} give another byte size than {library}'s parameter needs: {detail}.", reconvert, [cacheWhere]));
        if (unresolved.Count > 0)
            problems.Add(Error("package-unresolved-dim", $"{library} sizes parameters by {string.Join(", ", unresolved)}, which {PackageFiles.ChatConfigName} does not define.",
                "Use the mlc-chat-config.json written by mlc_llm gen_config for this model (it records vocab_size and the other sizes).", [configWhere]));

        var absent = new List<string>();
        var sized = new List<string>();
        var hashed = new List<string>();
        foreach (var (path, bytes, md5) in shards)
        {
            if (files.Shard(path) is not { } f) { absent.Add(path); continue; }
            if (bytes is { } b && b != f.Size) { sized.Add($"{path} ({f.Size} bytes, recorded {b})"); continue; }
            if (md5 is { Length: > 0 } m && !string.Equals(f.Md5(), m, StringComparison.OrdinalIgnoreCase)) hashed.Add($"{path} (MD5 differs from the recorded {m})");
        }
        const string recopy = "Copy the weights again from the convert_weight output (or download them again); if they were edited, convert the weights again.";
        if (absent.Count > 0)
            problems.Add(Error("package-shard-missing", $"{PackageFiles.TensorCacheName} lists {absent.Count} shard file(s) the package does not have: {List(absent)}.", recopy, [cacheWhere]));
        if (sized.Count > 0)
            problems.Add(Error("package-shard-size", $"{sized.Count} shard file(s) differ in size from {PackageFiles.TensorCacheName}: {List(sized)}.", recopy, [cacheWhere]));
        if (hashed.Count > 0)
            problems.Add(Error("package-shard-hash", $"{hashed.Count} shard file(s) differ from the MD5 {PackageFiles.TensorCacheName} records: {List(hashed)}.", recopy, [cacheWhere]));
    }

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(Examples)) + (items.Count > Examples ? $" and {items.Count - Examples} more" : "");

    private static IReadOnlyList<long>? Shape(JsonElement r)
    {
        if (!r.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array) return null;
        var list = new List<long>();
        foreach (var d in s.EnumerateArray())
            if (d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var v)) list.Add(v);
            else return null;
        return list;
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static Problem Error(string code, string message, string fix, IReadOnlyList<string> where) => new()
    {
        Severity = Severity.Error, Code = code, Message = message, Fix = fix, Where = where, Proof = ProofName,
    };

    internal static string Format(long v) => v.ToString(CultureInfo.InvariantCulture);
}
