using System.Security.Cryptography;
using System.Text;

namespace Ava.Compiler.Tests.HuggingFace.Server;

/// <summary>One file of a served repository: bytes in memory (tests) or on disk (the benchmark).</summary>
public sealed class ServedFile
{
    private readonly byte[]? _bytes;
    private readonly string? _diskPath;

    public ServedFile(string path, byte[] bytes, bool lfs)
    {
        Path = path;
        _bytes = bytes;
        Size = bytes.Length;
        Lfs = lfs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        GitSha1 = GitBlobId(bytes);
    }

    /// <summary>A large LFS file whose content lives on disk; its sha256 is computed once by the caller.</summary>
    public ServedFile(string path, string diskPath, string sha256)
    {
        Path = path;
        _diskPath = diskPath;
        Size = new FileInfo(diskPath).Length;
        Lfs = true;
        Sha256 = sha256;
        GitSha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(sha256)));
    }

    public string Path { get; }

    public long Size { get; }

    public bool Lfs { get; }

    public string Sha256 { get; }

    /// <summary>What the Hub calls the blob id of a file stored in git: sha1("blob {size}\0" + content).</summary>
    public string GitSha1 { get; }

    /// <summary>The name the client must store the blob under: sha256 for LFS files, the git blob id otherwise.</summary>
    public string Etag => Lfs ? Sha256 : GitSha1;

    public Stream Open() => _bytes is not null ? new MemoryStream(_bytes, writable: false) : new FileStream(_diskPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);

    private static string GitBlobId(byte[] bytes)
    {
        var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. bytes]));
    }
}

/// <summary>A model repository as the test Hub serves it: commits holding files, and branch names pointing at commits.</summary>
public sealed class ServedRepo(string id)
{
    private readonly Dictionary<string, Dictionary<string, ServedFile>> _commits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);

    public string Id { get; } = id;

    /// <summary>A gated repo answers 401 without a token and 403 with a token other than <see cref="AllowedToken"/>.</summary>
    public bool Gated { get; set; }

    public string? AllowedToken { get; set; }

    /// <summary>Adds a commit with these files and points <paramref name="branch"/> at it; returns the commit id.</summary>
    public string Commit(string branch, params ServedFile[] files)
    {
        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(
            Id + string.Join("|", files.Select(f => f.Path + ":" + f.Etag)) + _commits.Count)));
        _commits[commit] = files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        _refs[branch] = commit;
        return commit;
    }

    public string? Resolve(string revision) =>
        _refs.TryGetValue(revision, out var c) ? c : _commits.ContainsKey(revision) ? revision : null;

    public IReadOnlyDictionary<string, ServedFile> Files(string commit) => _commits[commit];

    public ServedFile? FindBySha256(string sha) =>
        _commits.Values.SelectMany(c => c.Values).FirstOrDefault(f => f.Lfs && f.Sha256 == sha);
}

public static class ServedFiles
{
    /// <summary>Deterministic bytes that differ everywhere, so a resumed download at a wrong offset cannot pass.</summary>
    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static ServedFile Text(string path, string content) => new(path, Encoding.UTF8.GetBytes(content), lfs: false);

    public static ServedFile Lfs(string path, int size, int seed) => new(path, Random(size, seed), lfs: true);
}
