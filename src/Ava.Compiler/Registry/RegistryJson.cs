using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ava.Compiler.IO;

namespace Ava.Compiler.Registry;

/// <summary>
/// The registry's one JSON form: camelCase, nulls left out, object keys sorted (ordinal) at every level, two-space
/// indentation, LF line ends and one trailing newline. The same data always gives the same bytes, so a re-registration
/// of an unchanged artifact is a byte-identical no-op and a changed one is a small diff.
/// </summary>
public static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = RegistryJsonContext.Default,
    }.WithKebabCaseEnums();

    private static readonly JsonSerializerOptions Writer = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => Canonical(JsonSerializer.SerializeToNode(value, Options.TypeInfo<T>())!);

    public static string Canonical(JsonNode node) => Sorted(node)!.ToJsonString(Writer).Replace("\r\n", "\n") + "\n";

    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    public static T Deserialize<T>(JsonNode node) => node.Deserialize(Options.TypeInfo<T>())!;
}

/// <summary>Compile-time JSON metadata of the registry's files (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(AbExperiment))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
