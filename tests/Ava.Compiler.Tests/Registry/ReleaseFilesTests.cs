using Ava.Compiler.Errors;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Registry;

/// <summary>
/// The core's release-file assembly (what the Action uploads): an artifact and the files its registry entry lists,
/// each the registered bytes, under asset names that cannot collide across models.
/// </summary>
public sealed class ReleaseFilesTests : IDisposable
{
    private const string Ge2 = "AVA-GE2-2B16";
    private const string Aon = "AVA-384-Base-INT8";
    private readonly TempDir _dir = new("release");

    private string Dist => _dir["dist"];
    private ModelRegistry Registry => new(_dir["registry"]);
    private ReleaseFiles Release() => new(Registry, _dir.Path, Dist);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_alm_with_an_entry_brings_its_libraries_under_the_models_name()
    {
        Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
        var release = Release();

        var added = release.AddArtifact(Path.Combine(Dist, Ge2 + ".ALM"));

        Assert.True(added.HasEntry);
        Assert.Equal([Ge2], release.Models);
        Assert.Equal([$"{Ge2}.ALM", $"{Ge2}.ADco", $"{Ge2}.AVALibrary.ADco"], added.Added.Select(f => f.Name));
        var library = added.Added.Single(f => f.Name == $"{Ge2}.AVALibrary.ADco");
        // The entry keeps the file's own name; the asset carries the model's.
        Assert.Equal(new EntryFile(Ge2, "AVALibrary.ADco"), library.Of);
        Assert.Equal(Path.Combine(Dist, "models", "llm", Ge2, "AVALibrary.ADco"), library.Path);
        Assert.Equal(Path.Combine(Dist, Ge2 + ".ALM"), library.ListedBy);
        Assert.Null(added.Added[0].ListedBy);
        Assert.Equal(new FileInfo(library.Path).Length, library.Digest.Size);
    }

    [Fact]
    public void An_artifact_without_an_entry_goes_up_alone_under_its_own_name()
    {
        var path = _dir.Write("dist/models/AVA-768-Base-INT8.AON", "one\n");

        var added = Release().AddArtifact(path);

        Assert.False(added.HasEntry);
        var only = Assert.Single(added.Added);
        Assert.Equal(("AVA-768-Base-INT8.AON", (EntryFile?)null), (only.Name, only.Of));
    }

    [Fact]
    public void The_same_artifact_given_twice_is_uploaded_once()
    {
        Registry.Register(RegistryEntries.ForAon(RegistryBuilds.Aon(Dist, Aon)));
        var release = Release();
        var path = Path.Combine(Dist, "models", Aon + ".AON");

        var first = release.AddArtifact(path);
        var second = release.AddArtifact(path);

        Assert.Contains(first.Added, f => f.Name == $"{Aon}.vocab.txt");
        Assert.Empty(second.Added);
        Assert.Equal(first.Added.Select(f => f.Name), release.Files.Select(f => f.Name));
    }

    [Fact]
    public void A_dist_file_that_is_not_the_one_its_entry_registers_is_refused()
    {
        Registry.Register(RegistryEntries.ForAon(RegistryBuilds.Aon(Dist, Aon)));
        // A later build's vocabulary next to the old entry: publishing it would give the entry a URL of bytes it does not describe.
        File.AppendAllText(Path.Combine(Dist, "models", Aon + ".vocab.txt"), "extra\n");
        var release = Release();

        var e = Assert.Throws<VerificationFailedException>(() => release.AddArtifact(Path.Combine(Dist, "models", Aon + ".AON")));

        Assert.StartsWith($"dist/models/{Aon}.vocab.txt is not the file", e.Problem);
        Assert.Contains($"registers as {Aon}.vocab.txt", e.Problem);
        Assert.Equal(ExitCode.VerificationFailed, e.ExitCode);
        Assert.Empty(release.Files);
    }

    [Fact]
    public void Two_paths_that_would_be_the_same_release_asset_are_refused()
    {
        var release = Release();
        release.AddArtifact(_dir.Write("dist/models/AVA-768-Base-INT8.AON", "one\n"));

        var e = Assert.Throws<BadInputException>(() => release.AddArtifact(_dir.Write("old/AVA-768-Base-INT8.AON", "two\n")));

        Assert.Equal("Two files would go up as the release asset AVA-768-Base-INT8.AON: dist/models/AVA-768-Base-INT8.AON and old/AVA-768-Base-INT8.AON.", e.Problem);
        Assert.Equal(ExitCode.BadInput, e.ExitCode);
        Assert.Single(release.Files);
    }

    [Theory]
    [InlineData(Ge2, "AVALibrary.ADco", "AVA-GE2-2B16.AVALibrary.ADco")]
    [InlineData(Ge2, "AVA-GE2-2B16.ADco", "AVA-GE2-2B16.ADco")]
    // A name that only begins like the model's is not the model's file.
    [InlineData(Ge2, "AVA-GE2-2B16x.ADco", "AVA-GE2-2B16.AVA-GE2-2B16x.ADco")]
    public void A_file_not_named_after_its_model_goes_up_under_the_models_name(string entry, string file, string asset) =>
        Assert.Equal(asset, ReleaseFiles.AssetName(entry, file));
}
