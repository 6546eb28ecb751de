using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.Linking;

namespace Ava.Compiler.Tests.Binary;

/// <summary>
/// The whole verify path — name checks, manifest, package safety and the link proof's own reading of the archives — and
/// the folder walk, under seeded mutations (10,000+ cases, reproducible as (seed, case)). Any outcome is allowed except
/// an exception that is not an <see cref="AlcException"/> (what the CLI reports as exit 70) and a case that hangs.
/// Every 100th archive that passes the name checks is also linked by the real ld.lld-14.
/// </summary>
public partial class MutationTests
{
    private const int ArchiveCases = 10_000;
    private const int FolderCases = 400;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);
    private const string Lld = "/usr/bin/ld.lld-14";

    private static readonly LinkerSetup LinkSetup = new() { Linker = Lld, SystemLibs = Fixtures.Tvm("sysroot"), Source = "mutation test" };

    [Fact]
    public async Task No_mutated_archive_reaches_an_internal_error_or_hangs_in_verify_or_the_link_proof()
    {
        var seeds = ArchiveSeeds();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var outcomes = new int[3]; // accepted-or-rejected, bad input, linked
        using var dir = new TempDir("mutants");
        var runtimes = new[] { VerifyInput.Of(Fixtures.Tvm("libtvm_runtime.so")) };
        var clock = Stopwatch.StartNew();

        // Two workers (the CI machine has 2 cores); case i always gets the same bytes: Random(seed of i).
        var workers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < ArchiveCases; i += 2)
            {
                var (name, seed) = seeds[i % seeds.Count];
                var rng = new Random(StableSeed(name) ^ i);
                var bytes = rng.Next(3) == 0 ? MutateTar(seed, rng) : Mutate(seed, rng, i / seeds.Count);
                var path = Path.Combine(dir.Path, $"w{w}-{name}");
                await File.WriteAllBytesAsync(path, bytes);
                var input = new VerifyInput(path, $"{name}#{i}");
                var started = Stopwatch.StartNew();
                try
                {
                    var result = Verifier.Verify([input], runtimes, new VerifyOptions());
                    using (LinkInputsOf(input)) { }
                    Interlocked.Increment(ref outcomes[0]);
                    if (i % 100 == 0 && result.Libraries[0].Objects.Count > 0)
                    {
                        await LinkProof.RunAsync(result, [input], runtimes, LinkSetup, new VerifyOptions());
                        Interlocked.Increment(ref outcomes[2]);
                    }
                }
                catch (AlcException e) when (e.ExitCode != ExitCode.InternalError)
                {
                    if (e is BadInputException) Interlocked.Increment(ref outcomes[1]);
                    if (e.Message.Contains('\n')) failures.Add($"{name} case {i}: multi-line message: {e.Message}");
                }
                catch (Exception e)
                {
                    failures.Add($"{name} case {i}: {e.GetType().Name}: {e.Message}");
                }
                if (started.Elapsed > CaseLimit) failures.Add($"{name} case {i}: took {started.Elapsed.TotalSeconds:0.0} s");
            }
        })).ToArray();

        var all = Task.WhenAll(workers);
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(5))) == all, "the mutation run hung");
        await all;
        Assert.True(failures.IsEmpty, $"{failures.Count} case(s) escaped as internal errors or hung:\n{string.Join("\n", failures.GroupBy(f => f[(f.IndexOf(": ") + 2)..]).Select(g => g.First()).Take(10))}");
        // Guards the test itself: mutants must reach every outcome, including the linker.
        Assert.True(outcomes[0] > 500 && outcomes[1] > 500 && outcomes[2] > 5,
            $"read {outcomes[0]}, bad input {outcomes[1]}, linked {outcomes[2]} in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task No_mutated_folder_reaches_an_internal_error_or_hangs_in_verify_the_source_hash_or_the_link_proof()
    {
        var failures = new List<string>();
        int read = 0, bad = 0;
        using var dir = new TempDir("folders");
        var obj = File.ReadAllBytes(Fixtures.Tvm("v022-android-lib0.o"));
        for (var i = 0; i < FolderCases; i++)
        {
            var rng = new Random(7919 * i + 1);
            var root = Path.Combine(dir.Path, $"case{i}");
            BuildFolder(root, rng, obj);
            var work = Task.Run(() =>
            {
                ArtifactReader.Read(root, $"case{i}");
                new KeyBuilder().AddDirectory("model", root, new HashCache());
                using (LinkInputsOf(new VerifyInput(root, $"case{i}"))) { }
            });
            try
            {
                await work.WaitAsync(CaseLimit);
                read++;
            }
            catch (TimeoutException)
            {
                failures.Add($"folder case {i}: hung");
                break;
            }
            catch (AlcException e) when (e.ExitCode != ExitCode.InternalError)
            {
                bad++;
            }
            catch (Exception e)
            {
                failures.Add($"folder case {i}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.True(read > 20 && bad > 100, $"read {read}, bad input {bad}");
    }

    private static IDisposable LinkInputsOf(VerifyInput input) => LinkInputs.Write([input]);

    /// <summary>A random small tree: objects, junk, nested folders, and now and then a hostile entry.</summary>
    private static void BuildFolder(string root, Random rng, byte[] obj)
    {
        Directory.CreateDirectory(root);
        var dirs = new List<string> { root };
        for (var n = rng.Next(1, 8); n > 0; n--)
        {
            var parent = dirs[rng.Next(dirs.Count)];
            var path = Path.Combine(parent, $"e{rng.Next(1000)}");
            if (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null) continue;
            switch (rng.Next(12))
            {
                case 0 or 1: File.WriteAllBytes(path + ".o", obj); break;
                case 2: File.WriteAllBytes(path, Mutate(obj, rng, rng.Next(5))); break;
                case 3 or 4: dirs.Add(Directory.CreateDirectory(path).FullName); break;
                case 5: File.CreateSymbolicLink(path, new[] { "/", "/etc/passwd", "/dev/zero", "/proc/self", "../..", "/nonexistent" }[rng.Next(6)]); break;
                case 6: Directory.CreateSymbolicLink(path, Path.GetRelativePath(parent, dirs[rng.Next(dirs.Count)])); break; // inside, maybe a loop
                case 7: File.CreateSymbolicLink(path, Path.GetFileName(path)); break; // itself
                case 8: Programs.Ok("mkfifo", path); break;
                case 9: File.CreateSymbolicLink(path, $"e{rng.Next(1000)}"); break; // a sibling, often dangling
                default: File.WriteAllBytes(path + ".json", "{}"u8.ToArray()); break;
            }
        }
    }

    /// <summary>
    /// Tar-aware: a header field of a random member rewritten (type, name with '..' or '/', link target, size, pax
    /// records, mode) and the checksum fixed, so the mutant gets past the checksum into the member logic.
    /// </summary>
    private static byte[] MutateTar(byte[] seed, Random rng)
    {
        var data = (byte[])seed.Clone();
        var headers = new List<int>();
        for (var at = 0; at + 512 <= data.Length && data[at] != 0 && headers.Count < 64;)
        {
            headers.Add(at);
            var text = Encoding.ASCII.GetString(data, at + 124, 12).Trim(' ', '\0');
            long size = 0;
            foreach (var c in text) { if (c is < '0' or > '7') { size = 0; break; } size = size * 8 + (c - '0'); }
            at += 512 + (int)Math.Min((size + 511) / 512 * 512, int.MaxValue / 2);
        }
        if (headers.Count == 0) return Mutate(seed, rng, rng.Next(5));
        var h = headers[rng.Next(headers.Count)];
        void Put(int offset, int width, string s) { Array.Clear(data, h + offset, width); Encoding.ASCII.GetBytes(s.Length > width ? s[..width] : s).CopyTo(data, h + offset); }
        switch (rng.Next(8))
        {
            case 0: data[h + 156] = (byte)"0123456789xgLKSDV\0"[rng.Next(18)]; break;
            case 1: Put(0, 100, new[] { "../../etc/x", "/abs/lib0.o", "a/../../b", "", "./lib0.o", "lib0.o", "..", "C:x" }[rng.Next(8)]); break;
            case 2: Put(157, 100, new[] { "/etc/passwd", "../x", "lib0.o", "", new string('a', 100) }[rng.Next(5)]); break;
            case 3: Put(124, 12, Convert.ToString(rng.NextInt64(0, 1L << 33), 8).PadLeft(11, '0')); break;
            case 4: Put(124, 12, new[] { "", "99999999999", "-1", "7777777777777", "0" }[rng.Next(5)]); break;
            case 5: Put(345, 155, new[] { "..", "/", "deep/../../.." }[rng.Next(3)]); break;
            case 6: Put(100, 8, new[] { "0000777", "0004755", "zzzzzzz" }[rng.Next(3)]); break;
            default: data[h + rng.Next(512)] = (byte)rng.Next(256); break;
        }
        // Fix the checksum so the change is read, not rejected at the header.
        for (var k = 148; k < 156; k++) data[h + k] = (byte)' ';
        var sum = 0;
        for (var k = 0; k < 512; k++) sum += data[h + k];
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(data, h + 148);
        if (rng.Next(4) == 0) data = data[..(rng.Next(data.Length / 512 + 1) * 512)]; // and maybe cut at a block boundary
        return data;
    }

    private static List<(string Name, byte[] Bytes)> ArchiveSeeds()
    {
        var seeds = new List<(string, byte[])>
        {
            ("v022-android-package.ALM", File.ReadAllBytes(Fixtures.Tvm("v022-android-package.ALM"))),
            ("v022-android-appledouble.ALM", File.ReadAllBytes(Fixtures.Tvm("v022-android-appledouble.ALM"))),
            ("v022-android.tar", File.ReadAllBytes(Fixtures.Tvm("v022-android.tar"))),
            ("libmodel_android-gnu.a", File.ReadAllBytes(Fixtures.Tvm("libmodel_android-gnu.a"))),
        };
        // A pax tar (what Python's tarfile and bsdtar write) and a package with its manifest (what alc compile writes).
        using var dir = new TempDir("seeds");
        using (var gz = new GZipStream(File.OpenRead(Fixtures.Tvm("v022-android.tar")), CompressionMode.Decompress))
        using (var reader = new System.Formats.Tar.TarReader(gz))
        using (var output = File.Create(dir["pax.tar"]))
        using (var writer = new TarWriter(output, TarEntryFormat.Pax))
            while (reader.GetNextEntry(copyData: true) is { } e)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, e.Name, new Dictionary<string, string> { ["comment"] = "seed" }) { DataStream = e.DataStream });
        seeds.Add(("pax.tar", File.ReadAllBytes(dir["pax.tar"])));
        var folder = Directory.CreateDirectory(dir["AVA-GE2-2B16"]).FullName;
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), Path.Combine(folder, "AVALibrary.ADco"));
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), "{}");
        PackageManifest.Describe(folder, "AVA-GE2-2B16", "llm", new HashCache()).WriteTo(folder);
        PackageWriter.WriteTar(folder, "AVA-GE2-2B16", dir["AVA-GE2-2B16.ALM"], 315532800);
        seeds.Add(("manifest.ALM", File.ReadAllBytes(dir["AVA-GE2-2B16.ALM"])));
        return seeds;
    }
}
