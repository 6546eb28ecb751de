using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ava.Cli.Rendering;

/// <summary>The one JSON shape policy for --json results: camelCase, enums as strings, nulls omitted.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes through a source-generated contract (no reflection).</summary>
    public static void Write<T>(TextWriter output, T result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> contract)
    {
        output.WriteLine(JsonSerializer.Serialize(result, contract));
        output.Flush();
    }

    public static void Write<T>(TextWriter output, T result)
    {
        output.WriteLine(JsonSerializer.Serialize(result, Options));
        output.Flush();
    }
}
