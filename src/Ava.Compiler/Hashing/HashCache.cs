using System.Text.Json;
using System.Text.Json.Serialization;
using Ava.Compiler.IO;

namespace Ava.Compiler.Hashing;

/// <summary>
/// Remembers file hashes by (full path, size, modification time), so a rerun that changes nothing only stats files
/// instead of rereading gigabytes of weights. A file whose size or mtime changed is hashed again.
/// The cache is a plain JSON file; a missing or damaged cache only costs a rehash.
/// </summary>
public sealed class HashCache
{
    private readonly string? _path;
    private readonly Dictionary<string, Entry> _entries;
    private readonly object _gate = new();
    private bool _dirty;

    /// <summary>An in-memory cache (nothing is saved).</summary>
    public HashCache() : this(null) { }

    private HashCache(string? path)
    {
        _path = path;
        _entries = path is null ? new(StringComparer.Ordinal) : Load(path);
    }

    public static HashCache Open(string path) => new(Path.GetFullPath(path));

    /// <summary>How many files were actually read (not served from the cache) since this cache was opened.</summary>
    public int FilesHashed { get; private set; }

    public long BytesHashed { get; private set; }

    public FileDigest Get(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists) throw new FileNotFoundException($"Cannot hash '{full}': the file does not exist.", full);
        var stamp = info.LastWriteTimeUtc.Ticks;
        lock (_gate)
        {
            if (_entries.TryGetValue(full, out var e) && e.Size == info.Length && e.MtimeTicks == stamp)
                return new FileDigest(e.Size, e.XxHash128, e.Sha256);
        }

        var digest = FileHasher.HashFile(full);
        // A file rewritten while we read it gets a fresh stat, so the entry never pairs new metadata with old content.
        info.Refresh();
        lock (_gate)
        {
            FilesHashed++;
            BytesHashed += digest.Size;
            if (info.Length == digest.Size && info.LastWriteTimeUtc.Ticks == stamp)
            {
                _entries[full] = new Entry(digest.Size, stamp, digest.XxHash128, digest.Sha256);
                _dirty = true;
            }
        }
        return digest;
    }

    /// <summary>
    /// Records a digest computed elsewhere for a file that was just moved into place (e.g. a stage output renamed from
    /// its temp folder), so it is not read again.
    /// </summary>
    public void Remember(string path, FileDigest digest)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        if (!info.Exists || info.Length != digest.Size) return;
        lock (_gate)
        {
            _entries[info.FullName] = new Entry(digest.Size, info.LastWriteTimeUtc.Ticks, digest.XxHash128, digest.Sha256);
            _dirty = true;
        }
    }

    public void Save()
    {
        if (_path is null) return;
        Dictionary<string, Entry> snapshot;
        lock (_gate)
        {
            if (!_dirty) return;
            // Entries of files that no longer exist are dropped so the cache does not grow forever.
            snapshot = _entries.Where(kv => File.Exists(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            _dirty = false;
        }
        AtomicFile.WriteAllText(_path, JsonSerializer.Serialize(new CacheFile(1, snapshot), Json.TypeInfo<CacheFile>()));
    }

    private static Dictionary<string, Entry> Load(string path)
    {
        try
        {
            if (!File.Exists(path)) return new(StringComparer.Ordinal);
            var file = JsonSerializer.Deserialize(File.ReadAllText(path), Json.TypeInfo<CacheFile>());
            if (file is { Version: 1, Files: not null }) return new(file.Files, StringComparer.Ordinal);
        }
        catch (JsonException) { }
        catch (IOException) { }
        return new(StringComparer.Ordinal);
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, TypeInfoResolver = HashCacheJsonContext.Default };

    internal sealed record CacheFile(int Version, Dictionary<string, Entry> Files);

    internal sealed record Entry(long Size, long MtimeTicks, string XxHash128, string Sha256);
}

/// <summary>Compile-time JSON metadata of the hash cache file (alc is published with Native AOT: no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(HashCache.CacheFile))]
internal sealed partial class HashCacheJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
