using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;

namespace Ava.Compiler.Packaging;

/// <summary>
/// <c>alc-manifest.json</c>: what a packaged model folder holds (size, XxHash128, SHA-256 of every file) and where it
/// came from (toolchain, verification verdict, and any other facts the producing pipeline adds).
/// </summary>
public sealed record PackageManifest
{
    public const string FileName = "alc-manifest.json";

    public int FormatVersion { get; init; } = 1;

    /// <summary>The AVA name, e.g. AVA-GE3-4B16.</summary>
    public required string Name { get; init; }

    /// <summary>"llm" (.ALM) or "onnx-embedding" (.AON).</summary>
    public required string Kind { get; init; }

    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Free-form facts from the producer: recipe, quantization, plan, toolchain lock, verification verdict.</summary>
    public JsonObject? Details { get; init; }

    public long TotalBytes => Files.Sum(f => f.Size);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = PackageManifestJsonContext.Default,
    };

    /// <summary>
    /// Lists and hashes every file under <paramref name="folder"/> (sorted by path; the manifest itself and names
    /// starting with '.' excluded) using <paramref name="cache"/>, so files hashed earlier are not read again.
    /// </summary>
    public static PackageManifest Describe(string folder, string name, string kind, HashCache cache, JsonObject? details = null)
    {
        var files = KeyBuilder.ListFiles(folder)
            .Where(rel => rel != FileName)
            .Select(rel =>
            {
                var d = cache.Get(Path.Combine(folder, rel));
                return new ManifestFile(rel, d.Size, d.XxHash128, d.Sha256);
            })
            .ToList();
        return new PackageManifest { Name = name, Kind = kind, Files = files, Details = details };
    }

    public void WriteTo(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), ToJson() + "\n");

    public string ToJson() => JsonSerializer.Serialize(this, Json.TypeInfo<PackageManifest>());

    public static PackageManifest Read(string folder) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, FileName)), Json.TypeInfo<PackageManifest>())
        ?? throw new InvalidDataException($"{FileName} in '{folder}' is empty.");

    /// <summary>Files whose size or content no longer match the manifest (rehashes everything: for audits, not reruns).</summary>
    public IReadOnlyList<string> Mismatches(string folder) =>
        Files.Where(f =>
        {
            var p = Path.Combine(folder, f.Path);
            if (!File.Exists(p)) return true;
            var d = FileHasher.HashFile(p);
            return d.Size != f.Size || d.XxHash128 != f.XxHash128 || d.Sha256 != f.Sha256;
        }).Select(f => f.Path).ToList();
}

public sealed record ManifestFile(string Path, long Size, string XxHash128, string Sha256);

/// <summary>Compile-time JSON metadata of the package manifest (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(PackageManifest))]
internal sealed partial class PackageManifestJsonContext : JsonSerializerContext;
