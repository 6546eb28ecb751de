using System.Diagnostics;
using System.IO.Compression;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Binary;

/// <summary>
/// Damaged input must only ever produce a BadInputException (or a clean read), never another exception or a hang.
/// Seeded, so a failure names a reproducible case: (seed file, case number).
/// </summary>
public partial class MutationTests
{
    private const int CasesPerSeed = 420;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Seeds => new()
    {
        "v022-android-lib0.o",          // ELF64 relocatable
        "libtvm_runtime.so",            // ELF64 shared, .dynsym
        "v022-dso-android.so",          // ELF64 shared with context slots
        "armv7:lib0.o",                 // ELF32 (extracted from the armv7 gzip tar)
        "v022-macos-arm64-lib0.o",      // Mach-O 64 relocatable
        "libtvm_runtime.dylib",         // Mach-O dylib
        "libmodel_android-gnu.a",       // ar, GNU long names
        "libmodel_android-bsd.a",       // ar, BSD #1/ names
        "v022-android-package.ALM",     // uncompressed tar
        "v022-android-appledouble.ALM", // tar with AppleDouble members
        "v022-android.tar",             // gzip tar
        "fat",                          // universal Mach-O built in memory
        "v022:gemma2_q4f16_1_devc.o",   // device object whose blob carries MLC metadata
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_mutation_of_a_reader_input_is_read_or_rejected_as_bad_input(string seedName)
    {
        var seed = Load(seedName);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var worker = Task.Run(() =>
        {
            var rng = new Random(StableSeed(seedName));
            for (var i = 0; i < CasesPerSeed && clock.Elapsed < Budget; i++)
            {
                var input = Mutate(seed, rng, i);
                try
                {
                    ArtifactReader.Read(input, $"{seedName}#{i}");
                }
                catch (BadInputException e)
                {
                    if (e.Message.Contains('\n')) failures.Add($"case {i}: multi-line message: {e.Message}");
                }
                catch (Exception e)
                {
                    failures.Add($"case {i}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        // A bounded blocking wait is the hang guard: an await would wait forever on a reader stuck in a loop.
#pragma warning disable xUnit1031
        Assert.True(worker.Wait(Budget + TimeSpan.FromSeconds(10)), $"{seedName}: the mutation run hung");
#pragma warning restore xUnit1031
        Assert.True(failures.Count == 0, $"{seedName}: {failures.Count} case(s) escaped as other exceptions:\n{string.Join("\n", failures.Take(10))}");
    }

    /// <summary>The Java side of <c>alc verify --app</c>: a class file, a jar, a DEX file and an .apk, built at test time.</summary>
    public static TheoryData<string> JvmSeeds => new() { "LibInfo.class", "tvm4j_core.jar", "classes.dex", "app.apk" };

    [Theory]
    [MemberData(nameof(JvmSeeds))]
    public void Every_mutation_of_a_jar_class_file_or_DEX_file_is_read_or_rejected_as_bad_input(string seedName)
    {
        var seed = JvmSeed(seedName);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var worker = Task.Run(() =>
        {
            var rng = new Random(StableSeed(seedName));
            for (var i = 0; i < CasesPerSeed && clock.Elapsed < Budget; i++)
            {
                try
                {
                    Ava.Compiler.Verification.AppChain.AppContents.ReadBytes(Mutate(seed, rng, i), $"{seedName}#{i}");
                }
                catch (BadInputException e)
                {
                    if (e.Message.Contains('\n')) failures.Add($"case {i}: multi-line message: {e.Message}");
                    if (!e.Message.Contains($"{seedName}#{i}", StringComparison.Ordinal)) failures.Add($"case {i}: the message does not name the file: {e.Message}");
                }
                catch (Exception e)
                {
                    failures.Add($"case {i}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
#pragma warning disable xUnit1031 // a bounded wait is the hang guard: awaiting would wait forever on a hung reader
        Assert.True(worker.Wait(Budget + TimeSpan.FromSeconds(10)), $"{seedName}: the mutation run hung");
#pragma warning restore xUnit1031
        Assert.True(failures.Count == 0, $"{seedName}: {failures.Count} case(s) escaped as other exceptions:\n{string.Join("\n", failures.Take(10))}");
    }

    private static byte[] JvmSeed(string name)
    {
        using var stack = new Verification.AppChain.AppStack();
        switch (name)
        {
            case "LibInfo.class": return File.ReadAllBytes(Path.Combine(stack.Classes(Verification.AppChain.AppStack.V022), "org", "apache", "tvm", "LibInfo.class"));
            case "tvm4j_core.jar": return File.ReadAllBytes(stack.Jar(Verification.AppChain.AppStack.V022));
            case "classes.dex":
                return Verification.AppChain.DexWriter.Write([new("org.apache.tvm.LibInfo",
                    Verification.AppChain.AppStack.Generation(Verification.AppChain.AppStack.V022).Natives.Select(n => new Verification.AppChain.DexWriter.NativeMethod(n.Name, n.Descriptor)).ToList())]);
            default:
                var libs = stack.Runtime("libs");
                stack.Bridge("libs", Verification.AppChain.AppStack.V022);
                return File.ReadAllBytes(stack.Apk("app.apk", Verification.AppChain.AppStack.V022, libs));
        }
    }

    [Fact]
    public void Every_mutation_inside_a_packed_blob_is_read_or_becomes_a_malformed_metadata_problem()
    {
        // The device object of v022-android.tar carries MLC metadata; only its blob bytes are mutated, so the ELF stays
        // readable and every case reaches the blob reader and the metadata parser.
        var seed = Load("v022:gemma2_q4f16_1_devc.o");
        var start = seed.AsSpan().IndexOf("relax.VMExecutable"u8) - 8 - 8 * 5 - 8 * 3 - 8;
        var length = (int)BitConverter.ToUInt64(seed, start) + 8;
        var failures = new List<string>();
        int read = 0, malformed = 0;
        var rng = new Random(StableSeed("blob"));
        for (var i = 0; i < CasesPerSeed; i++)
        {
            var data = (byte[])seed.Clone();
            var window = data.AsSpan(start, length);
            switch (i % 3)
            {
                case 0: for (var k = rng.Next(1, 9); k > 0; k--) window[rng.Next(length)] ^= (byte)(1 << rng.Next(8)); break;
                case 1: { var at = rng.Next(length - 8); BitConverter.GetBytes(new ulong[] { 0, 1, 0xff, ulong.MaxValue, (ulong)length, (ulong)rng.NextInt64() }[rng.Next(6)]).CopyTo(window[at..]); break; }
                default: { var at = rng.Next(length); rng.NextBytes(window[at..Math.Min(length, at + rng.Next(1, 64))]); break; }
            }
            try
            {
                var outcome = Ava.Compiler.Verification.MetadataReader.Read(ArtifactReader.Read(data, $"blob#{i}"));
                if (outcome.Problem is { } p)
                {
                    malformed++;
                    if (p.Code != "malformed-metadata" || p.Message.Contains('\n')) failures.Add($"case {i}: {p.Code}: {p.Message}");
                }
                else read++;
            }
            catch (BadInputException) { }
            catch (Exception e) { failures.Add($"case {i}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) escaped:\n{string.Join("\n", failures.Take(10))}");
        Assert.True(read > 10 && malformed > 10, $"read={read} malformed={malformed}: the mutations must exercise both outcomes");
    }

    [Fact]
    public void The_mutations_exercise_both_outcomes()
    {
        // Guards the test itself: mutations must produce rejected inputs and still-readable ones.
        var seed = Load("v022-android-lib0.o");
        var rng = new Random(1);
        int ok = 0, bad = 0;
        for (var i = 0; i < 300; i++)
        {
            try { ArtifactReader.Read(Mutate(seed, rng, i), "x"); ok++; }
            catch (BadInputException) { bad++; }
        }
        Assert.True(ok > 20 && bad > 20, $"ok={ok} bad={bad}");
    }

    /// <summary>FNV-1a: string.GetHashCode differs per process, which would make failures unreproducible.</summary>
    private static int StableSeed(string s)
    {
        var h = 2166136261u;
        foreach (var c in s) h = (h ^ c) * 16777619u;
        return (int)(h & 0x7fffffff);
    }

    private static byte[] Mutate(byte[] seed, Random rng, int i)
    {
        var data = (byte[])seed.Clone();
        switch (i % 5)
        {
            case 0: // bit flips
                for (var k = rng.Next(1, 9); k > 0; k--) data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
                return data;
            case 1: // truncation
                return data[..rng.Next(data.Length)];
            case 2: // a header-ish field overwritten with an interesting value
            {
                var at = rng.Next(Math.Min(data.Length, rng.Next(2) == 0 ? 512 : data.Length));
                ulong[] values = [0, 1, 0x7f, 0xff, 0xffff, 0x7fffffff, 0xffffffff, (ulong)data.Length, (ulong)data.Length + 1, ulong.MaxValue, (ulong)rng.NextInt64()];
                var v = values[rng.Next(values.Length)];
                var width = new[] { 1, 2, 4, 8 }[rng.Next(4)];
                for (var b = 0; b < width && at + b < data.Length; b++) data[at + b] = (byte)(v >> (8 * b));
                return data;
            }
            case 3: // a random-length run of random bytes spliced in
            {
                var at = rng.Next(data.Length);
                var junk = new byte[rng.Next(1, 4096)];
                rng.NextBytes(junk);
                return [.. data[..at], .. junk, .. data[at..]];
            }
            default: // random length, prefix kept (keeps the magic so the reader gets past sniffing)
            {
                var len = rng.Next(4, data.Length * 2);
                var result = new byte[len];
                rng.NextBytes(result);
                Array.Copy(data, result, Math.Min(len, Math.Min(data.Length, rng.Next(4, 256))));
                return result;
            }
        }
    }

    private static byte[] Load(string name)
    {
        if (name == "fat") return Fat(File.ReadAllBytes(Fixtures.Tvm("v022-macos-arm64-lib0.o")));
        if (name.StartsWith("armv7:", StringComparison.Ordinal) || name.StartsWith("v022:", StringComparison.Ordinal))
        {
            using var gz = new GZipStream(File.OpenRead(Fixtures.Tvm(name.StartsWith("v022:", StringComparison.Ordinal) ? "v022-android.tar" : "v022-armv7.tar")), CompressionMode.Decompress);
            using var tar = new System.Formats.Tar.TarReader(gz);
            while (tar.GetNextEntry() is { } e)
                if (e.Name == name[(name.IndexOf(':') + 1)..])
                {
                    using var ms = new MemoryStream();
                    e.DataStream!.CopyTo(ms);
                    return ms.ToArray();
                }
            throw new InvalidOperationException("member not found");
        }
        return File.ReadAllBytes(Fixtures.Tvm(name));
    }

    /// <summary>A universal binary with one arm64 slice at offset 4096.</summary>
    private static byte[] Fat(byte[] slice)
    {
        var data = new byte[4096 + slice.Length];
        void Be(int at, uint v) { data[at] = (byte)(v >> 24); data[at + 1] = (byte)(v >> 16); data[at + 2] = (byte)(v >> 8); data[at + 3] = (byte)v; }
        Be(0, 0xcafebabe);
        Be(4, 1);
        Be(8, 0x0100000c);
        Be(12, 0);
        Be(16, 4096);
        Be(20, (uint)slice.Length);
        Be(24, 12);
        slice.CopyTo(data, 4096);
        return data;
    }
}
