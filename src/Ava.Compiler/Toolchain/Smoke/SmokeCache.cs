using System.Text.Json;
using System.Text.Json.Serialization;
using Ava.Compiler.IO;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// Smoke results by toolchain key: <c>$ALC_CACHE_DIR/smoke/&lt;key&gt;.json</c> (default <c>$XDG_CACHE_HOME/alc</c>, else
/// <c>~/.cache/alc</c>), written atomically; a failing step's log is kept beside it as <c>&lt;key&gt;.log</c>. A toolchain
/// that changes gets another key, so an old result is never shown for it.
/// </summary>
public sealed class SmokeCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public static SmokeCache For(IReadOnlyDictionary<string, string> environment)
    {
        string? Get(string name) => environment.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var root = Get("ALC_CACHE_DIR")
                   ?? Path.Combine(Get("XDG_CACHE_HOME") ?? Path.Combine(Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "alc");
        return new SmokeCache(Path.Combine(root, "smoke"));
    }

    public string ResultPath(string key) => Path.Combine(Root, key + ".json");

    public string LogPath(string key) => Path.Combine(Root, key + ".log");

    public SmokeResult? Load(string key)
    {
        var path = ResultPath(key);
        if (!File.Exists(path)) return null;
        try
        {
            var result = JsonSerializer.Deserialize(File.ReadAllText(path), Json.TypeInfo<SmokeResult>());
            return result?.ToolchainKey == key ? result : null;
        }
        catch (JsonException)
        {
            return null; // A damaged cache entry only means the smoke test runs again.
        }
    }

    public void Save(SmokeResult result)
    {
        Directory.CreateDirectory(Root);
        IO.AtomicFile.WriteAllText(ResultPath(result.ToolchainKey), JsonSerializer.Serialize(result, Json.TypeInfo<SmokeResult>()));
    }

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, TypeInfoResolver = SmokeJsonContext.Default };
}

/// <summary>Compile-time JSON metadata of the cached smoke result (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(SmokeResult))]
internal sealed partial class SmokeJsonContext : JsonSerializerContext;
