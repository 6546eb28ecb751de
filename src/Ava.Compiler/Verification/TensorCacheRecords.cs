using System.Text.Json;

namespace Ava.Compiler.Verification;

/// <summary>
/// Where each parameter's bytes lie in its shard, as the phone reads them. TVM's loader (apache/tvm@9dbf3f22
/// src/runtime/vm/tensor_cache_support.cc) requires <c>byteOffset</c> and <c>nbytes</c> on every record (L82-83,
/// GetValue fails without them), checks only the shard's length against its recorded <c>nbytes</c> (L194), and then
/// copies <c>nbytes</c> from <c>shard + byteOffset</c> with no bound (L176, L182): a record reaching past its shard reads
/// past the buffer. For a <c>raw</c> record the copy must fill the tensor exactly (src/runtime/tensor.cc:64,
/// "TensorCopyFromBytes: size mismatch"); <c>f32-to-bf16</c> records hold two bytes per float32 (L172-177).
/// The shard file's own size against its recorded <c>nbytes</c> is <see cref="PackageProof"/>'s package-shard-size.
/// </summary>
internal static class TensorCacheRecords
{
    public sealed record Shard(string DataPath, long? Bytes, IReadOnlyList<JsonElement> Records);

    /// <param name="expected">Each parameter's size in bytes from the library's metadata, when it resolves.</param>
    public static IEnumerable<(string Code, int Count, string Detail)> Check(IReadOnlyList<Shard> shards, IReadOnlyDictionary<string, long> expected)
    {
        var ranges = new List<string>();
        var sizes = new List<string>();
        foreach (var shard in shards)
            foreach (var r in shard.Records)
            {
                var name = r.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "(unnamed)";
                var offset = Long(r, "byteOffset");
                var nbytes = Long(r, "nbytes");
                if (offset is null || nbytes is null)
                {
                    ranges.Add($"{name} in {shard.DataPath} (no {(offset is null ? "byteOffset" : "nbytes")})");
                    continue;
                }
                if (offset < 0 || nbytes < 0)
                    ranges.Add($"{name} in {shard.DataPath} (byteOffset {offset}, nbytes {nbytes})");
                else if (shard.Bytes is { } total && offset.Value + nbytes.Value > total)
                    ranges.Add($"{name} in {shard.DataPath} (byteOffset {offset} + nbytes {nbytes} = {offset.Value + nbytes.Value}, past the shard's {total} bytes)");
                var format = r.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : "raw";
                if (expected.TryGetValue(name, out var want) && nbytes >= 0)
                {
                    var stored = format == "f32-to-bf16" ? want / 2 : want;
                    if (nbytes != stored) sizes.Add($"{name} ({nbytes} bytes recorded, the library's shape and dtype need {stored})");
                }
            }
        if (ranges.Count > 0) yield return ("package-record-range", ranges.Count, Join(ranges));
        if (sizes.Count > 0) yield return ("package-record-size", sizes.Count, Join(sizes));
    }

    private static string Join(List<string> items) =>
        string.Join(", ", items.Take(5)) + (items.Count > 5 ? $" and {items.Count - 5} more" : "");

    private static long? Long(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) ? x : null;
}
