using System.Formats.Tar;
using System.Security.Cryptography;

namespace Ava.Compiler.Verification;

/// <summary>
/// The model files of a package (an <c>.ALM</c> tar or a model folder) the package proof compares with the library:
/// <c>mlc-chat-config.json</c>, <c>tensor-cache.json</c> and every other file's size and MD5 (tensor-cache.json records
/// an <c>md5sum</c> per shard: apache/tvm@9dbf3f22 python/tvm/contrib/tvmjs.py:180, 260-270). Tars are read in one
/// streaming pass, like the tamper check; folders are read in place.
/// </summary>
internal sealed class PackageFiles
{
    public const string ChatConfigName = "mlc-chat-config.json";
    public const string TensorCacheName = "tensor-cache.json";
    private const long MaxJsonBytes = 256L << 20;

    /// <summary>The JSON text of mlc-chat-config.json; null when absent.</summary>
    public string? ChatConfig { get; private init; }

    public string? TensorCache { get; private init; }

    /// <summary>Where tensor-cache.json is (its folder resolves shard paths), as shown in messages.</summary>
    public string? TensorCacheWhere { get; private init; }

    public string? ChatConfigWhere { get; private init; }

    private Func<string, (long Size, Func<string> Md5)?> _file = _ => null;

    /// <summary>A file relative to tensor-cache.json's folder: its size and a way to hash it; null when absent.</summary>
    public (long Size, Func<string> Md5)? Shard(string dataPath) => _file(dataPath);

    /// <summary>The package's files, or null when <paramref name="path"/> holds neither JSON file (a bare library).</summary>
    public static PackageFiles? Open(string path, string display)
    {
        if (Directory.Exists(path)) return OpenFolder(path, display);
        if (!File.Exists(path)) return null;
        return OpenTar(path, display);
    }

    private static PackageFiles? OpenFolder(string path, string display)
    {
        // The package folder alc writes is flat; a model folder may hold it one level down.
        var dirs = new[] { path }.Concat(Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal)).ToList();
        var dir = dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, ChatConfigName)) || File.Exists(Path.Combine(d, TensorCacheName)));
        if (dir is null) return null;
        var rel = Path.GetRelativePath(path, dir);
        string Shown(string name) => rel == "." ? Path.Combine(display, name) : Path.Combine(display, rel, name);
        string? Text(string name) => File.Exists(Path.Combine(dir, name)) ? ReadLimited(Path.Combine(dir, name)) : null;
        return new PackageFiles
        {
            ChatConfig = Text(ChatConfigName),
            TensorCache = Text(TensorCacheName),
            ChatConfigWhere = Shown(ChatConfigName),
            TensorCacheWhere = Shown(TensorCacheName),
            _file = p =>
            {
                var full = Path.GetFullPath(Path.Combine(dir, p));
                if (!full.StartsWith(Path.GetFullPath(dir), StringComparison.Ordinal) || !File.Exists(full)) return null;
                return (new FileInfo(full).Length, () => { using var f = File.OpenRead(full); return Convert.ToHexStringLower(MD5.HashData(f)); });
            },
        };
    }

    private static string ReadLimited(string file) =>
        new FileInfo(file).Length > MaxJsonBytes ? "" : File.ReadAllText(file);

    private static PackageFiles? OpenTar(string path, string display)
    {
        using var file = File.OpenRead(path);
        var stream = TarStream.Open(file);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new Dictionary<string, (long Size, string Md5)>(StringComparer.Ordinal);
        try
        {
            using var tar = new TarReader(stream);
            while (tar.GetNextEntry() is { } e)
            {
                if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var name = e.Name.Replace('\\', '/');
                if (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
                var baseName = name.Split('/')[^1];
                if (e.DataStream is null) { members[name] = (0, Convert.ToHexStringLower(MD5.HashData([]))); continue; }
                if (baseName is ChatConfigName or TensorCacheName && e.Length <= MaxJsonBytes && !texts.ContainsKey(baseName))
                {
                    using var reader = new StreamReader(e.DataStream);
                    texts[baseName] = reader.ReadToEnd();
                    texts[baseName + "@"] = name;
                    continue;
                }
                // Only model-package members are hashed: a library-only tar (lib0.o + devc.o) never gets here twice.
                members[name] = (e.Length, Convert.ToHexStringLower(MD5.HashData(e.DataStream)));
            }
        }
        // The same set ManifestCheck catches: System.Formats.Tar throws NotSupportedException for entry types it cannot
        // read (GNU sparse 'S') and InvalidOperationException for some damaged headers.
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or OverflowException or IOException
                                       or InvalidOperationException or NotSupportedException)
        {
            return null; // not a tar: the object readers report damage their own way
        }
        if (!texts.ContainsKey(ChatConfigName) && !texts.ContainsKey(TensorCacheName)) return null;
        var cacheName = texts.GetValueOrDefault(TensorCacheName + "@") ?? texts.GetValueOrDefault(ChatConfigName + "@")!;
        var cacheDir = cacheName.Contains('/') ? cacheName[..(cacheName.LastIndexOf('/') + 1)] : "";
        return new PackageFiles
        {
            ChatConfig = texts.GetValueOrDefault(ChatConfigName),
            TensorCache = texts.GetValueOrDefault(TensorCacheName),
            ChatConfigWhere = $"{display}!{texts.GetValueOrDefault(ChatConfigName + "@") ?? cacheDir + ChatConfigName}",
            TensorCacheWhere = $"{display}!{cacheDir}{TensorCacheName}",
            _file = p => members.TryGetValue(cacheDir + p.Replace('\\', '/'), out var m) ? (m.Size, () => m.Md5) : null,
        };
    }
}
