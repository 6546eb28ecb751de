using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ava.Compiler.IO;

namespace Ava.Cli.Rendering;

/// <summary>
/// The one JSON shape policy for --json results: camelCase, enums as kebab-case strings, nulls omitted. Each file that
/// prints a result declares its result types beside the code (members named as the JSON keys) and a source-generated
/// context made with <see cref="NewOptions"/>: the released alc is Native AOT, where reflection-based serialisation and
/// anonymous objects do not work.
/// </summary>
public static class JsonOutput
{
    /// <summary>Fresh options of the shape policy, for one context (a context takes its options for itself).</summary>
    public static JsonSerializerOptions NewOptions() => new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.WithKebabCaseEnums();

    /// <summary>The policy as one instance, for contexts that copy it (<c>new(new JsonSerializerOptions(JsonOutput.Options))</c>).</summary>
    public static readonly JsonSerializerOptions Options = NewOptions();

    public static void Write<T>(TextWriter output, T result, JsonTypeInfo<T> contract)
    {
        output.WriteLine(JsonSerializer.Serialize(result, contract));
        output.Flush();
    }
}
