using System.Formats.Tar;
using System.Text;
using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>alc verify on a package checks every file against the alc-manifest.json inside it.</summary>
public class TamperCheckTests
{
    private const string Config = "{\"model_lib\": \"gemma2_q4f16_1\", \"marker\": \"TAMPER-ME\"}\n";

    /// <summary>A real package: the pipeline's manifest and deterministic tar writer over a library and a config.</summary>
    private static string Package(TempDir dir)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "AVA-GE2-2B16")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        // A library without MLC metadata: this test is about the manifest, not the package proof (PackageProofTests).
        File.Copy(Fixtures.Tvm("v022-android-workspace.tar"), Path.Combine(folder, "lib", "model.tar"));
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), Config);
        PackageManifest.Describe(folder, "AVA-GE2-2B16", "llm", HashCache.Open(Path.Combine(dir.Path, "cache.json"))).WriteTo(folder);
        var alm = Path.Combine(dir.Path, "AVA-GE2-2B16.ALM");
        PackageWriter.WriteTar(folder, "AVA-GE2-2B16", alm, 315532800);
        return alm;
    }

    private static Task<AlcResult> Verify(string path) => AlcRun.RunAsync(Path.GetDirectoryName(path)!, (IReadOnlyDictionary<string, string>?)null, "verify", Path.GetFileName(path), "--json");

    private static List<(string Code, string Message)> ManifestProblems(AlcResult r)
    {
        using var doc = r.Json();
        return doc.RootElement.GetProperty("libraries")[0].GetProperty("problems").EnumerateArray()
            .Where(p => p.TryGetProperty("proof", out var proof) && proof.GetString() == "manifest")
            .Select(p => (p.GetProperty("code").GetString()!, p.GetProperty("message").GetString()!)).ToList();
    }

    [Fact]
    public async Task An_untouched_package_is_accepted()
    {
        using var dir = new TempDir();
        var r = await Verify(Package(dir));
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(ManifestProblems(r));
    }

    [Fact]
    public async Task One_changed_byte_in_a_packaged_file_rejects_the_package_naming_the_file()
    {
        using var dir = new TempDir();
        var alm = Package(dir);
        var bytes = File.ReadAllBytes(alm);
        var at = bytes.AsSpan().IndexOf("TAMPER-ME"u8);
        Assert.True(at > 0);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(alm, bytes);

        var r = await Verify(alm);
        Assert.Equal(1, r.ExitCode);
        var (code, message) = Assert.Single(ManifestProblems(r));
        Assert.Equal("modified-file", code);
        Assert.Contains("mlc-chat-config.json was modified", message);
    }

    [Fact]
    public async Task A_removed_and_an_added_file_are_each_named()
    {
        using var dir = new TempDir();
        var alm = Package(dir);
        var rewritten = alm + ".new";
        using (var input = File.OpenRead(alm))
        using (var output = File.Create(rewritten))
        {
            using var reader = new TarReader(input);
            using var writer = new TarWriter(output, TarEntryFormat.Ustar);
            while (reader.GetNextEntry(copyData: true) is { } e)
                if (!e.Name.EndsWith("mlc-chat-config.json", StringComparison.Ordinal)) writer.WriteEntry(e);
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "AVA-GE2-2B16/extra.bin") { DataStream = new MemoryStream(Encoding.ASCII.GetBytes("x")) });
        }
        File.Move(rewritten, alm, overwrite: true);

        var problems = ManifestProblems(await Verify(alm));
        Assert.Contains(problems, p => p.Code == "missing-file" && p.Message.Contains("mlc-chat-config.json"));
        Assert.Contains(problems, p => p.Code == "extra-file" && p.Message.Contains("extra.bin"));
        Assert.Equal(2, problems.Count);
    }
}
