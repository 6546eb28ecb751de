using Ava.Compiler.IO;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Ava.Compiler.Packaging;

namespace Ava.Compiler.Verification;

/// <summary>
/// Tamper evidence for packages: an <c>.ALM</c>/<c>.AON</c> tar carries its <c>alc-manifest.json</c>; every other file in
/// it must be listed there with the same size and SHA-256, and every listed file must be there. One streaming pass.
/// </summary>
internal static class ManifestCheck
{
    public const string ProofName = "manifest";

    /// <summary>Problems for <paramref name="path"/>; empty when it is not a tar with a manifest, or when it matches.</summary>
    public static List<Problem> Run(string path, string display) => Run(path, display, out _);

    /// <param name="hasManifest">Whether the tar carries an <c>alc-manifest.json</c> at its root or one folder down.</param>
    public static List<Problem> Run(string path, string display, out bool hasManifest)
    {
        hasManifest = false;
        if (!File.Exists(path)) return [];
        using var file = File.OpenRead(path);
        var stream = TarStream.Open(file);

        var found = new Dictionary<string, (long Size, string Sha256)>(StringComparer.Ordinal);
        string? manifestName = null;
        byte[]? manifestBytes = null;
        try
        {
            using var tar = new TarReader(stream);
            while (tar.GetNextEntry() is { } e)
            {
                if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var name = e.Name.Replace('\\', '/');
                if (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
                if (e.DataStream is null) { found[name] = (0, Convert.ToHexStringLower(SHA256.HashData([]))); continue; }
                if (Path.GetFileName(name) == PackageManifest.FileName && name.Count(c => c == '/') <= 1 && manifestName is null)
                {
                    using var ms = new MemoryStream();
                    e.DataStream.CopyTo(ms);
                    manifestName = name;
                    manifestBytes = ms.ToArray();
                    continue;
                }
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buf = new byte[1 << 16];
                long size = 0;
                int n;
                while ((n = e.DataStream.Read(buf)) > 0) { sha.AppendData(buf, 0, n); size += n; }
                found[name] = (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or IOException
                                       or ArgumentException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            return []; // not a tar System.Formats.Tar can read: the readers report damage their own way, and it counts as unverifiable
        }
        if (manifestName is null) return [];
        hasManifest = true;

        PackageManifest? manifest;
        try { manifest = JsonSerializer.Deserialize(manifestBytes, PackageManifest.Json.TypeInfo<PackageManifest>()); }
        catch (JsonException e)
        {
            return [Error("modified-file", $"{display}: its {PackageManifest.FileName} cannot be read ({e.Message}): the package was damaged or altered.", [display + "!" + manifestName], manifestName)];
        }
        if (manifest is null) return [];
        if (manifest.Files is null || manifest.Files.Any(f => f is null || f.Path is null || f.Sha256 is null))
            return [Error("modified-file", $"{display}: its {PackageManifest.FileName} lists a file without a path or SHA-256: the package was damaged or altered.", [display + "!" + manifestName], manifestName)];

        var root = manifestName.Contains('/') ? manifestName[..(manifestName.IndexOf('/') + 1)] : "";
        var problems = new List<Problem>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in manifest.Files)
        {
            var name = root + f.Path;
            listed.Add(name);
            if (!found.TryGetValue(name, out var got))
                problems.Add(Error("missing-file", $"{display}: {f.Path} is listed in {PackageManifest.FileName} but missing from the package.", [display + "!" + name], f.Path));
            else if (got.Size != f.Size || !string.Equals(got.Sha256, f.Sha256, StringComparison.OrdinalIgnoreCase))
                problems.Add(Error("modified-file", $"{display}: {f.Path} was modified after packaging (SHA-256 {got.Sha256[..12]}…, size {got.Size}; the manifest says {f.Sha256[..Math.Min(12, f.Sha256.Length)]}…, size {f.Size}).", [display + "!" + name], f.Path));
        }
        foreach (var name in found.Keys.Where(n => !listed.Contains(n)).Order(StringComparer.Ordinal))
        {
            var inside = name.StartsWith(root, StringComparison.Ordinal) ? name[root.Length..] : name; // a member outside the package folder
            problems.Add(Error("extra-file", $"{display}: {inside} is in the package but not in {PackageManifest.FileName}: it was added after packaging.", [display + "!" + name], inside));
        }
        return problems;
    }

    private static Problem Error(string code, string message, IReadOnlyList<string> where, string file) => new()
    {
        Severity = Severity.Error, Code = code, Message = message, Where = where, Symbol = null, Proof = ProofName,
        Fix = $"Do not use this package: rebuild it with 'alc compile' or download it again, and compare its SHA-256 with the registry entry.",
    };
}
