using Ava.Compiler.IO;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Cli;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_previous_file_and_no_temp_file()
    {
        using var dir = new TempDir();
        var target = dir.Write("out/report.json", "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, s =>
        {
            s.Write("partial"u8);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void A_folder_built_atomically_replaces_the_old_one_whole()
    {
        using var dir = new TempDir();
        var target = dir["dist/models"];
        dir.Write("dist/models/stale.txt", "x");
        AtomicDirectory.Build(target, tmp => File.WriteAllText(Path.Combine(tmp, "fresh.txt"), "y"));
        Assert.Equal(["fresh.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Single(Directory.GetDirectories(dir["dist"]));
    }
}
