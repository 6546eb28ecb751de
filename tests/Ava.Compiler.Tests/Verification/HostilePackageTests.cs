using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// Archives an attacker or a broken tool could hand to alc, built here with .NET's own tar writer: what the phone's
/// unpacker would do with each member decides, and nothing reaches exit 70.
/// </summary>
public class HostilePackageTests
{
    private const string Root = "AVA-GE2-2B16";
    private const string Lld = "/usr/bin/ld.lld-14";

    /// <summary>A real package: the pipeline's manifest and deterministic tar writer over a model tar and a config.</summary>
    private static string Package(TempDir dir, bool withManifest = true, string name = Root + ".ALM")
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "pkg", Root)).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        File.Copy(Fixtures.Tvm("v022-android.tar"), Path.Combine(folder, "lib", "model.tar"));
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), "{\"model_lib\": \"gemma2_q4f16_1\"}\n");
        if (withManifest) PackageManifest.Describe(folder, Root, "llm", new HashCache()).WriteTo(folder);
        var alm = Path.Combine(dir.Path, name);
        PackageWriter.WriteTar(folder, Root, alm, 315532800);
        return alm;
    }

    /// <summary>The model tar mlc_llm wrote (gzip), unpacked into a plain tar with one more member.</summary>
    private static string ModelTar(TempDir dir, Action<TarWriter> add)
    {
        var path = dir["model.tar"];
        using (var gz = new GZipStream(File.OpenRead(Fixtures.Tvm("v022-android.tar")), CompressionMode.Decompress))
        using (var reader = new TarReader(gz))
        using (var output = File.Create(path))
        using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            while (reader.GetNextEntry(copyData: true) is { } e) writer.WriteEntry(e);
            add(writer);
        }
        return path;
    }

    /// <summary>Appends members to a package (rewriting it with .NET's tar writer).</summary>
    private static void Append(string alm, Action<TarWriter> add)
    {
        var rewritten = alm + ".new";
        using (var input = File.OpenRead(alm))
        using (var output = File.Create(rewritten))
        {
            using var reader = new TarReader(input);
            using var writer = new TarWriter(output, TarEntryFormat.Pax);
            while (reader.GetNextEntry(copyData: true) is { } e) writer.WriteEntry(e);
            add(writer);
        }
        File.Move(rewritten, alm, overwrite: true);
    }

    public static TheoryData<string, string, string> HostileMembers => new()
    {
        // kind, member name as the unpacker sees it, the reason the error must give
        { "dot-dot", Root + "/../../escape.sh", "'..' step" },
        { "absolute", "/etc/cron.d/alc", "absolute name" },
        { "symlink-out", Root + "/lib/passwd", "symbolic link to '/etc/passwd'" },
        { "symlink-in", Root + "/alias.json", "symbolic link to 'mlc-chat-config.json'" },
        { "hardlink-out", Root + "/shadow", "hard link to '/etc/shadow', outside the archive" },
        { "char-device", Root + "/zero", "character device" },
        { "block-device", Root + "/sda", "block device" },
        { "fifo", Root + "/pipe", "FIFO" },
        { "duplicate", Root + "/mlc-chat-config.json", "appears twice" },
    };

    private static void AddHostile(TarWriter w, string kind, string name)
    {
        TarEntry e = kind switch
        {
            "dot-dot" or "absolute" or "duplicate" => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("#!/bin/sh\n"u8.ToArray()) },
            "symlink-out" => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = "/etc/passwd" },
            "symlink-in" => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = "mlc-chat-config.json" },
            "hardlink-out" => new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = "/etc/shadow" },
            "char-device" => new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 5 },
            "block-device" => new PaxTarEntry(TarEntryType.BlockDevice, name) { DeviceMajor = 8, DeviceMinor = 0 },
            "fifo" => new PaxTarEntry(TarEntryType.Fifo, name),
            _ => throw new ArgumentException(kind),
        };
        w.WriteEntry(e);
    }

    private static Task<AlcResult> Verify(string path, params string[] more) =>
        AlcRun.RunAsync(Path.GetDirectoryName(path)!, (IReadOnlyDictionary<string, string>?)null, ["verify", Path.GetFileName(path), "--json", .. more]);

    private static List<(string Code, string Severity, string Message)> Problems(AlcResult r)
    {
        using var doc = r.Json();
        return doc.RootElement.GetProperty("libraries")[0].GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("code").GetString()!, p.GetProperty("severity").GetString()!, p.GetProperty("message").GetString()!)).ToList();
    }

    [Theory]
    [MemberData(nameof(HostileMembers))]
    public async Task A_package_with_a_member_that_would_escape_or_is_no_regular_file_is_rejected_naming_it_and_why(string kind, string member, string reason)
    {
        using var dir = new TempDir();
        var alm = Package(dir);
        Append(alm, w => AddHostile(w, kind, member));

        var r = await Verify(alm);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        var unsafeMembers = Problems(r).Where(p => p.Code == "unsafe-member").ToList();
        var p = Assert.Single(unsafeMembers);
        Assert.Equal("error", p.Severity);
        Assert.Contains($"'{member}'", p.Message);
        Assert.Contains(reason, p.Message);
    }

    [Theory]
    [MemberData(nameof(HostileMembers))]
    public async Task A_model_tar_with_such_a_member_is_reported_too(string kind, string member, string reason)
    {
        using var dir = new TempDir();
        var tar = ModelTar(dir, w =>
        {
            if (kind == "duplicate") AddHostile(w, kind, "lib0.o"); // the second lib0.o would replace the checked one
            else AddHostile(w, kind, member);
        });

        var r = await Verify(tar);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        var p = Assert.Single(Problems(r), p => p.Code == "unsafe-member");
        Assert.Contains(kind == "duplicate" ? "'lib0.o'" : $"'{member}'", p.Message);
        Assert.Contains(reason, p.Message);
    }

    [Fact]
    public async Task An_untouched_package_has_no_unsafe_member_and_is_accepted()
    {
        using var dir = new TempDir();
        var r = await Verify(Package(dir));
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(Problems(r), p => p.Code is "unsafe-member" or "unverifiable-package");
    }

    [Fact]
    public async Task A_package_without_its_manifest_is_accepted_with_an_unverifiable_warning_in_the_verdict_and_the_report()
    {
        using var dir = new TempDir();
        var alm = Package(dir, withManifest: false);

        var r = await Verify(alm, "--report", "out");

        Assert.Equal(0, r.ExitCode);
        var p = Assert.Single(Problems(r), p => p.Code == "unverifiable-package");
        Assert.Equal("warning", p.Severity);
        Assert.Contains("has no alc-manifest.json", p.Message);
        Assert.Contains("unverifiable-package", File.ReadAllText(dir["out/verification-report.md"]));
    }

    [Fact]
    public async Task With_strict_a_package_without_its_manifest_is_refused()
    {
        using var dir = new TempDir();
        var alm = Package(dir, withManifest: false);

        var r = await Verify(alm, "--strict");

        Assert.Equal(1, r.ExitCode);
        var p = Assert.Single(Problems(r), p => p.Code == "unverifiable-package");
        Assert.Equal("error", p.Severity);
    }

    [Fact]
    public async Task A_package_cut_at_a_header_boundary_is_damaged_input_not_a_package_without_objects()
    {
        using var dir = new TempDir();
        var alm = Package(dir);
        var bytes = File.ReadAllBytes(alm);
        // Cut right before the header of the member holding the model tar: every byte left is whole blocks.
        var at = HeaderOffsets(bytes).First(o => Encoding.ASCII.GetString(bytes, o, 100).Contains("model.tar"));
        File.WriteAllBytes(alm, bytes[..at]);

        var r = await Verify(alm);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.Contains("cut short", r.StdOut);
    }

    [Fact]
    public async Task A_package_truncated_to_512_bytes_is_damaged_input_with_the_link_proof_too()
    {
        Assert.True(File.Exists(Lld), "ld.lld-14 is installed by scripts/install-test-deps");
        using var dir = new TempDir();
        var alm = Package(dir);
        File.WriteAllBytes(alm, File.ReadAllBytes(alm)[..512]);

        var r = await Verify(alm, "--linker", Lld, "--system-libs", Fixtures.Tvm("sysroot"), "--runtime", Fixtures.Tvm("libtvm_runtime.so"));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
    }

    [Fact]
    public async Task A_pax_header_that_does_not_parse_is_damaged_input_for_the_name_checks_and_the_link_proof_alike()
    {
        using var dir = new TempDir();
        var tar = ModelTar(dir, _ => { });
        var bytes = File.ReadAllBytes(tar);
        var lib0 = HeaderOffsets(bytes).First(o => Encoding.ASCII.GetString(bytes, o, 100).TrimEnd('\0') == "lib0.o");
        // A pax 'x' header for lib0.o whose record has no length: what tar(1) calls "Malformed extended header".
        var pax = RawHeader("PaxHeaders/lib0.o", 'x', "path=lib0.o\n"u8.ToArray());
        File.WriteAllBytes(tar, [.. bytes[..lib0], .. pax, .. bytes[lib0..]]);

        var names = await Verify(tar);
        var linked = await Verify(tar, "--linker", Lld, "--system-libs", Fixtures.Tvm("sysroot"), "--runtime", Fixtures.Tvm("libtvm_runtime.so"));

        Assert.True(names.ExitCode == 2, $"exit {names.ExitCode}: {names.StdOut}{names.StdErr}");
        Assert.True(linked.ExitCode == 2, $"exit {linked.ExitCode}: {linked.StdOut}{linked.StdErr}");
        Assert.Contains("pax extended header", linked.StdOut);
    }

    [Fact]
    public async Task A_folder_entry_with_a_size_is_read_the_same_by_the_name_checks_and_the_link_proof()
    {
        using var dir = new TempDir();
        var tar = ModelTar(dir, _ => { });
        var bytes = File.ReadAllBytes(tar);
        var first = HeaderOffsets(bytes).First();
        var folder = RawHeader("stuff/", '5', new byte[700]); // a directory that claims 700 bytes of data
        File.WriteAllBytes(tar, [.. bytes[..first], .. folder, .. bytes[first..]]);

        var linked = await Verify(tar, "--linker", Lld, "--system-libs", Fixtures.Tvm("sysroot"), "--runtime", Fixtures.Tvm("libtvm_runtime.so"));

        Assert.True(linked.ExitCode == 0, $"exit {linked.ExitCode}: {linked.StdOut}{linked.StdErr}");
        using var doc = linked.Json();
        Assert.True(doc.RootElement.GetProperty("link").GetProperty("linked").GetBoolean());
    }

    /// <summary>Offsets of every tar header (regular walk over ustar sizes).</summary>
    internal static IEnumerable<int> HeaderOffsets(byte[] tar)
    {
        for (var at = 0; at + 512 <= tar.Length && tar[at] != 0;)
        {
            yield return at;
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar, at + 124, 12).Trim(' ', '\0') is { Length: > 0 } s ? s : "0", 8);
            at += 512 + (int)((size + 511) / 512 * 512);
        }
    }

    /// <summary>A ustar header with a correct checksum, followed by its data padded to whole blocks.</summary>
    internal static byte[] RawHeader(string name, char type, byte[] data)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(data.Length, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(h, 136);
        h[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        var sum = h.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return [.. h, .. padded];
    }
}
