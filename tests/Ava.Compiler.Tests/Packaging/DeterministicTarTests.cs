using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Packaging;

public class DeterministicTarTests
{
    private static void Fill(TempDir dir)
    {
        dir.Write("m/params_shard_1.bin", new byte[1025]);
        dir.Write("m/params_shard_0.bin", Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
        dir.Write("m/mlc-chat-config.json", "{}\n");
        dir.Write("m/sub/AVALibrary.ADco", "obj");
    }

    [Fact]
    public void GNU_tar_lists_the_package_sorted_with_root_owner_fixed_mtime_and_normal_modes()
    {
        using var dir = new TempDir();
        Fill(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir["m/mlc-chat-config.json"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var alm = dir["AVA-GE3-4B16.ALM"];

        PackageWriter.WriteTar(dir["m"], "AVA-GE3-4B16", alm, mtime: 1700000000);

        var listing = Programs.Ok("tar", "--numeric-owner", "--utc", "-tvf", alm).Trim().Split('\n');
        Assert.Equal(
        [
            "drwxr-xr-x 0/0               0 2023-11-14 22:13 AVA-GE3-4B16/",
            "-rw-r--r-- 0/0               3 2023-11-14 22:13 AVA-GE3-4B16/mlc-chat-config.json",
            "-rw-r--r-- 0/0            5000 2023-11-14 22:13 AVA-GE3-4B16/params_shard_0.bin",
            "-rw-r--r-- 0/0            1025 2023-11-14 22:13 AVA-GE3-4B16/params_shard_1.bin",
            "drwxr-xr-x 0/0               0 2023-11-14 22:13 AVA-GE3-4B16/sub/",
            "-rw-r--r-- 0/0               3 2023-11-14 22:13 AVA-GE3-4B16/sub/AVALibrary.ADco",
        ], listing);
        Assert.Equal(0, new FileInfo(alm).Length % 10240);

        using var outDir = new TempDir();
        Programs.Ok("tar", "-xf", alm, "-C", outDir.Path);
        Assert.Equal(File.ReadAllBytes(dir["m/params_shard_0.bin"]), File.ReadAllBytes(outDir["AVA-GE3-4B16/params_shard_0.bin"]));
    }

    [Fact]
    public void The_same_content_gives_the_same_bytes_whatever_the_file_times_and_creation_order()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        Fill(a);
        b.Write("m/sub/AVALibrary.ADco", "obj");
        b.Write("m/mlc-chat-config.json", "{}\n");
        b.Write("m/params_shard_0.bin", Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
        b.Write("m/params_shard_1.bin", new byte[1025]);
        File.SetLastWriteTimeUtc(b["m/params_shard_1.bin"], new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        PackageWriter.WriteTar(a["m"], "X", a["x.ALM"], DeterministicTar.DefaultEpoch);
        PackageWriter.WriteTar(b["m"], "X", b["x.ALM"], DeterministicTar.DefaultEpoch);

        Assert.Equal(FileHasher.HashFile(a["x.ALM"]), FileHasher.HashFile(b["x.ALM"]));
    }

    [Fact]
    public void GNU_tar_in_reproducible_mode_writes_the_same_bytes()
    {
        using var dir = new TempDir();
        Fill(dir);
        PackageWriter.WriteTar(dir["m"], "AVA-GE2-2B16", dir["ours.tar"], mtime: DeterministicTar.DefaultEpoch);

        Directory.Move(dir["m"], dir["AVA-GE2-2B16"]);
        Programs.RunIn(dir.Path, "chmod", "-R", "u=rwX,go=rX", "AVA-GE2-2B16");
        var (code, _, err) = Programs.RunIn(dir.Path, "tar", "--format=ustar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
            "--mtime=@315532800", "--mode=u=rwX,go=rX", "-cf", "gnu.tar", "AVA-GE2-2B16");
        Assert.True(code == 0, err);

        Assert.Equal(File.ReadAllBytes(dir["gnu.tar"]), File.ReadAllBytes(dir["ours.tar"]));
    }

    [Fact]
    public void SOURCE_DATE_EPOCH_sets_the_mtime_and_junk_falls_back_to_the_fixed_value()
    {
        Assert.Equal(1234, DeterministicTar.EpochFrom(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1234" }));
        Assert.Equal(DeterministicTar.DefaultEpoch, DeterministicTar.EpochFrom(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "-1" }));
        Assert.Equal(DeterministicTar.DefaultEpoch, DeterministicTar.EpochFrom(new Dictionary<string, string>()));
    }
}
