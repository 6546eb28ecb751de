using System.Text.RegularExpressions;
using Ava.Compiler.Jvm;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification.AppChain;

namespace Ava.Compiler.Tests.Verification.AppChain;

/// <summary>The class-file and DEX readers and the JNI names, each checked against a real JDK or Android tool.</summary>
public class JvmReaderTests
{
    [Fact]
    public void JNI_names_equal_what_javac_h_writes_for_escapes_inner_classes_unicode_and_overloads()
    {
        using var dir = new TempDir("jni");
        var src = dir.Write("org/apache/tvm/Esc_ape.java", """
            package org.apache.tvm;
            class Esc_ape {
              static class In$ner {}
              native void a_b(String s, int[] x, Esc_ape.In$ner r);
              native void a_b(long l);
              native int caf\u00e9();
              native long[][] plain(double d, boolean z);
            }
            """);
        Programs.Ok("javac", "-h", dir["hdr"], "-d", dir["out"], src);
        var expected = Directory.GetFiles(dir["hdr"], "*.h").SelectMany(File.ReadAllLines)
            .Select(l => Regex.Match(l, @"JNICALL (Java_\w+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, expected.Count);

        var cls = ClassFileReader.Read(File.ReadAllBytes(dir["out/org/apache/tvm/Esc_ape.class"]), "Esc_ape.class");
        Assert.Equal("org.apache.tvm.Esc_ape", cls.Name);
        // javac -h writes the long form only for overloaded names, as the JNI specification says.
        var overloaded = cls.Natives.GroupBy(n => n.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var ours = cls.Natives.Select(n => overloaded.Contains(n.Name) ? n.LongSymbol : n.ShortSymbol).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ours);
        Assert.Contains("Java_org_apache_tvm_Esc_1ape_a_1b__Ljava_lang_String_2_3ILorg_apache_tvm_Esc_1ape_00024In_00024ner_2", ours);
        Assert.Contains("Java_org_apache_tvm_Esc_1ape_caf_000e9", ours);
    }

    [Theory]
    [InlineData(AppStack.V020)]
    [InlineData(AppStack.V022)]
    public void The_class_reader_finds_exactly_the_natives_javap_lists_and_they_equal_the_upstream_data(string tag)
    {
        using var s = new AppStack();
        var file = Path.Combine(s.Classes(tag), "org", "apache", "tvm", "LibInfo.class");
        var javap = Programs.Ok("javap", "-p", "-s", file).Split('\n');
        var fromJavap = new List<(string, string)>();
        for (var i = 0; i < javap.Length - 1; i++)
            if (Regex.Match(javap[i], @"^\s+native .*?(\w+)\(") is { Success: true } m)
                fromJavap.Add((m.Groups[1].Value, javap[i + 1].Split("descriptor:")[1].Trim()));
        var cls = ClassFileReader.Read(File.ReadAllBytes(file), "LibInfo.class");
        Assert.Equal(fromJavap, cls.Natives.Select(n => (n.Name, n.Descriptor)));
        // abi/tvm4j-natives.json (read from apache/tvm at the tag) round-trips through javac unchanged.
        Assert.Equal(AppStack.Generation(tag).Natives.Select(n => (n.Name, n.Descriptor)), fromJavap);
    }

    [Fact]
    public void The_test_DEX_writer_output_is_accepted_by_Androids_dexdump_and_read_back_by_the_DEX_reader()
    {
        var natives = AppStack.Generation(AppStack.V022).Natives;
        var dex = DexWriter.Write([new DexWriter.DexClass("org.apache.tvm.LibInfo", natives.Select(n => new DexWriter.NativeMethod(n.Name, n.Descriptor)).ToList())]);
        using var dir = new TempDir("dex");
        var path = dir.Write("classes.dex", dex);
        // Debian's dexdump (Android 11's) checks the checksum and runs the DEX file verifier before dumping.
        var (code, stdout, stderr) = Programs.Run("dexdump", "-c", path);
        Assert.True(code == 0, stdout + stderr);
        var dump = Programs.Ok("dexdump", path);
        Assert.Equal(natives.Count, Regex.Matches(dump, @"access\s+: 0x0100 \(NATIVE\)").Count);
        Assert.Contains("'Lorg/apache/tvm/LibInfo;'", dump);

        var read = DexReader.Read(dex, "classes.dex", "org.apache.tvm.");
        var cls = Assert.Single(read);
        Assert.Equal(natives.Select(n => (n.Name, n.Descriptor)).Order(), cls.Natives.Select(n => (n.Name, n.Descriptor)).Order());
    }

    [Fact]
    public void The_DEX_reader_rejects_a_file_whose_checksum_does_not_match()
    {
        var dex = DexWriter.Write([new DexWriter.DexClass("org.apache.tvm.LibInfo", [new("shutdown", "()I")])]);
        dex[^3] ^= 1;
        var e = Assert.Throws<Errors.BadInputException>(() => DexReader.Read(dex, "classes.dex"));
        Assert.Contains("classes.dex is damaged or not a supported file: the Adler-32 checksum does not match", e.Message);
    }
}
