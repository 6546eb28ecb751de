using System.Text.Json;
using Ava.Compiler.IO;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain;

/// <summary>
/// <c>alc.toolchain.json</c> (project) or <c>~/.config/alc/toolchain.json</c> (user): toolchain locations that stay put,
/// such as an MLC-LLM checkout on an external drive. Relative paths are relative to the file's folder.
/// </summary>
/// <example>
/// <code>{ "mlcLlmDir": "/Volumes/Models/mlc-llm", "python": "~/venvs/tvm022", "ndkDir": "~/Library/Android/sdk/ndk/27.0.12077973" }</code>
/// </example>
public sealed record ToolchainConfigFile : ToolchainPaths
{
    public const string ProjectFileName = "alc.toolchain.json";

    /// <summary>Where the file was read from (not stored in it).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Path { get; init; }

    /// <summary>An LLVM installation folder; its bin/llvm-config is used when <see cref="LlvmConfig"/> is not given.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-2)]
    public string? LlvmPrefix { get; init; }

    /// <summary>AVA's runtime: a path (file or folder) or a list of them.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(PathListConverter))]
    public IReadOnlyList<string>? AvaRuntime { get; init; }

    /// <summary>The app whose runtime chain compile proves: its jniLibs/arm64-v8a/ folder and tvm4j jar, an .aar or an .apk (a path or a list).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(PathListConverter))]
    public IReadOnlyList<string>? AvaApp { get; init; }

    /// <summary>The older name of <see cref="AvaRuntime"/>; the same meaning.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(PathListConverter))]
    public IReadOnlyList<string>? AvaRuntimeLibrary { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = ToolchainConfigJsonContext.Default,
    };

    public static ToolchainConfigFile Load(string path)
    {
        try
        {
            var config = JsonSerializer.Deserialize(File.ReadAllText(path), Options.TypeInfo<ToolchainConfigFile>()) ?? new ToolchainConfigFile();
            return config with { Path = System.IO.Path.GetFullPath(path) };
        }
        catch (JsonException e)
        {
            throw new BadInputException($"The toolchain config '{path}' is not valid JSON for alc: {e.Message}",
                "Fix the file; it holds an object with any of: prefix, tvmSourceDir, tvmBuildDir, mlcLlmDir, python, llvmConfig, llvmPrefix, ndkDir (paths), avaRuntime, avaApp (a path or a list of paths).", e);
        }
    }

    /// <summary>Sets <see cref="Prefix"/> in the config file at <paramref name="path"/>, keeping its other entries.</summary>
    public static void RecordPrefix(string path, string prefix)
    {
        var existing = File.Exists(path) ? Load(path) : new ToolchainConfigFile();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        (existing with { Prefix = prefix }).Save(path);
    }

    /// <summary>Writes the file atomically (setup records the prefix it built so later commands find it).</summary>
    public void Save(string path) =>
        IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options.TypeInfo<ToolchainConfigFile>()) + "\n");
}

/// <summary>A JSON string or array of strings, read as a list (a runtime given as one folder or as several files).</summary>
internal sealed class PathListConverter : System.Text.Json.Serialization.JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a path or a list of paths");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a list of paths (strings)");
            list.Add(reader.GetString()!);
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        if (value.Count == 1)
        {
            writer.WriteStringValue(value[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}

/// <summary>Compile-time JSON metadata of the toolchain config file (alc is published with Native AOT: no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(ToolchainConfigFile))]
internal sealed partial class ToolchainConfigJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
