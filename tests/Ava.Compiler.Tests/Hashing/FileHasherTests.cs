using Ava.Compiler.Hashing;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Hashing;

public class FileHasherTests
{
    [Fact]
    public void XxHash128_and_SHA256_match_xxhsum_and_sha256sum()
    {
        using var dir = new TempDir();
        var bytes = new byte[3 * (1 << 20) + 17];
        new Random(7).NextBytes(bytes);
        var path = dir.Write("weights.bin", bytes);

        var digest = FileHasher.HashFile(path);

        Assert.Equal(bytes.Length, digest.Size);
        Assert.Equal(Programs.Ok("xxhsum", "-H2", path).Split(' ')[0], digest.XxHash128);
        Assert.Equal(Programs.Ok("sha256sum", path).Split(' ')[0], digest.Sha256);
    }

    [Fact]
    public void A_cached_file_is_not_read_again_until_its_size_or_mtime_changes()
    {
        using var dir = new TempDir();
        var path = dir.Write("a.bin", "first");
        var cache = HashCache.Open(dir["cache.json"]);

        var first = cache.Get(path);
        cache.Get(path);
        Assert.Equal(1, cache.FilesHashed);

        File.WriteAllText(path, "second!");
        var changed = cache.Get(path);
        Assert.Equal(2, cache.FilesHashed);
        Assert.NotEqual(first.XxHash128, changed.XxHash128);

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-5));
        cache.Get(path);
        Assert.Equal(3, cache.FilesHashed);
    }

    [Fact]
    public void The_cache_survives_a_reopen_so_a_second_run_reads_nothing()
    {
        using var dir = new TempDir();
        var path = dir.Write("a.bin", "payload");
        var cache = HashCache.Open(dir["cache.json"]);
        var digest = cache.Get(path);
        cache.Save();

        var reopened = HashCache.Open(dir["cache.json"]);
        Assert.Equal(digest, reopened.Get(path));
        Assert.Equal(0, reopened.FilesHashed);
    }

    [Fact]
    public void A_damaged_cache_file_only_costs_a_rehash()
    {
        using var dir = new TempDir();
        var path = dir.Write("a.bin", "payload");
        dir.Write("cache.json", "{ not json");
        var cache = HashCache.Open(dir["cache.json"]);
        Assert.Equal(FileHasher.HashFile(path), cache.Get(path));
        Assert.Equal(1, cache.FilesHashed);
    }

    [Fact]
    public void Keys_differ_when_a_value_moves_between_names()
    {
        var a = new KeyBuilder().Add("ab", "c").Build();
        var b = new KeyBuilder().Add("a", "bc").Build();
        Assert.NotEqual(a, b);
        Assert.Equal(a, new KeyBuilder().Add("ab", "c").Build());
        Assert.Equal(32, a.Length);
    }
}
