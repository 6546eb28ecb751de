using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification;

/// <summary>The same inputs give the same .ALM and manifest bytes in another folder, with other modes and file times.</summary>
public class ReproduciblePackageTests
{
    private static (byte[] Alm, string Manifest) Build(string root, UnixFileMode mode, DateTime mtime)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "work", "AVA-GE2-2B16")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        foreach (var (src, rel) in new[] { ("v022-android.tar", "lib/model.tar"), ("libtvm_runtime.so", "params/shard.bin") })
        {
            var dst = Path.Combine(folder, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Copy(Fixtures.Tvm(src), dst);
            File.SetUnixFileMode(dst, mode); // what a different umask leaves behind
            File.SetLastWriteTimeUtc(dst, mtime); // a different day
        }
        PackageManifest.Describe(folder, "AVA-GE2-2B16", "llm", HashCache.Open(Path.Combine(root, "cache.json"))).WriteTo(folder);
        var epoch = DeterministicTar.EpochFrom(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" });
        var alm = Path.Combine(root, "AVA-GE2-2B16.ALM");
        PackageWriter.WriteTar(folder, "AVA-GE2-2B16", alm, epoch);
        return (File.ReadAllBytes(alm), File.ReadAllText(Path.Combine(folder, PackageManifest.FileName)));
    }

    [Fact]
    public void Two_builds_in_different_folders_with_other_modes_and_times_are_byte_identical()
    {
        using var a = new TempDir("repro-a");
        using var b = new TempDir("repro-b-longer-name");
        var first = Build(a.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var second = Build(b.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
            new DateTime(2027, 6, 7, 8, 9, 10, DateTimeKind.Utc));
        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(first.Alm, second.Alm);
        Assert.DoesNotContain(a.Path, first.Manifest);
    }
}
