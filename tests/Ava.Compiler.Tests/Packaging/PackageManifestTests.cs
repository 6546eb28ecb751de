using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Packaging;

public class PackageManifestTests
{
    [Fact]
    public void The_manifest_lists_every_file_with_size_and_both_hashes_and_detects_a_changed_file()
    {
        using var dir = new TempDir();
        dir.Write("m/b.bin", "bbbb");
        dir.Write("m/a/x.json", "{}");
        dir.Write("m/.hidden", "skip");

        var manifest = PackageManifest.Describe(dir["m"], "AVA-GE3-1B16", "llm", new HashCache());
        manifest.WriteTo(dir["m"]);
        var read = PackageManifest.Read(dir["m"]);

        Assert.Equal(["a/x.json", "b.bin"], read.Files.Select(f => f.Path));
        Assert.Equal(4, read.Files[1].Size);
        Assert.Equal(Programs.Ok("sha256sum", dir["m/b.bin"]).Split(' ')[0], read.Files[1].Sha256);
        Assert.Empty(read.Mismatches(dir["m"]));

        File.WriteAllText(dir["m/b.bin"], "cccc");
        Assert.Equal(["b.bin"], read.Mismatches(dir["m"]));
    }
}
