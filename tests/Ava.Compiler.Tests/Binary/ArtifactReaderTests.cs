using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Binary;

public class ArtifactReaderTests
{
    private static BinarySymbol Sym(BinaryObject o, string name) => Assert.Single(o.Symbols, s => s.Name == name);

    [Fact]
    public void I_can_read_an_aarch64_relocatable_object_with_its_symbol_table()
    {
        var o = ArtifactReader.ReadObject(Fixtures.Tvm("v022-android-lib0.o"));
        Assert.Equal((ObjectFormat.Elf, 64, "aarch64", 183, ObjectKind.Relocatable), (o.Format, o.Bits, o.Architecture, o.Machine, o.Kind));
        var call = Sym(o, "TVMFFIFunctionCall");
        Assert.False(call.IsDefined);
        Assert.Equal(SymbolBinding.Global, call.Binding);
        var fn = Sym(o, "__tvm_ffi_gemma2_q4f16_1_fused_matmul");
        Assert.True(fn.IsDefined);
        Assert.Equal((SymbolBinding.Global, SymbolType.Function, ".text"), (fn.Binding, fn.Type, fn.Section));
        var ctx = Sym(o, "gemma2_q4f16_1___tvm_ffi__library_ctx");
        Assert.Equal((true, SymbolBinding.Weak, SymbolType.Object), (ctx.IsDefined, ctx.Binding, ctx.Type));
        Assert.Equal(SymbolBinding.Local, Sym(o, "__tvm_module_startup").Binding);
    }

    [Fact]
    public void The_file_name_does_not_matter_an_ADco_object_is_read_by_content()
    {
        var o = ArtifactReader.ReadObject(Fixtures.Tvm("v022-android-lib0.ADco"));
        Assert.Contains(o.Imports, s => s.Name == "TVMFFIEnvModRegisterSystemLibSymbol");
    }

    [Fact]
    public void I_can_read_the_dynamic_symbol_table_of_a_shared_object()
    {
        var o = ArtifactReader.ReadObject(Fixtures.Tvm("libtvm_runtime.so"));
        Assert.Equal(ObjectKind.SharedLibrary, o.Kind);
        var exports = o.Exports.Select(s => s.Name).ToHashSet();
        Assert.Equal(51, exports.Count(n => n.StartsWith("TVM", StringComparison.Ordinal)));
        Assert.Contains("TVMFFIEnvModRegisterContextSymbol", exports);
        Assert.DoesNotContain("tvm_internal_helper", exports);
    }

    [Fact]
    public void I_can_read_a_mach_o_object_and_names_lose_their_leading_underscore()
    {
        var o = ArtifactReader.ReadObject(Fixtures.Tvm("v022-macos-arm64-lib0.o"));
        Assert.Equal((ObjectFormat.MachO, 64, "arm64", ObjectKind.Relocatable), (o.Format, o.Bits, o.Architecture, o.Kind));
        var call = Sym(o, "TVMFFIFunctionCall");
        Assert.Equal("_TVMFFIFunctionCall", call.RawName);
        Assert.False(call.IsDefined);
        var fn = Sym(o, "__tvm_ffi_gemma2_q4f16_1_fused_matmul");
        Assert.Equal(("__TEXT,__text", SymbolType.Function), (fn.Section, fn.Type));
        Assert.Equal(SymbolBinding.Weak, Sym(o, "gemma2_q4f16_1___tvm_ffi__library_ctx").Binding);
    }

    [Fact]
    public void I_can_read_a_mach_o_dylib()
    {
        var o = ArtifactReader.ReadObject(Fixtures.Tvm("libtvm_runtime.dylib"));
        Assert.Equal(ObjectKind.SharedLibrary, o.Kind);
        Assert.Contains(o.Exports, s => s.Name == "TVMFFIFunctionCall" && s.RawName == "_TVMFFIFunctionCall");
    }

    [Fact]
    public void I_can_read_a_gzip_tar_written_under_a_tar_name()
    {
        var entries = ArtifactReader.Read(Fixtures.Tvm("v022-android.tar"));
        Assert.Equal(["lib0.o", "gemma2_q4f16_1_devc.o"], entries.Select(e => e.Path.Split('!')[^1]));
        Assert.All(entries, e => Assert.NotNull(e.Object));
        Assert.Contains(entries[1].Object!.Exports, s => s.Name == "gemma2_q4f16_1___tvm_ffi__library_bin");
    }

    [Fact]
    public void AppleDouble_members_and_non_objects_in_an_uncompressed_tar_are_skipped_with_a_note()
    {
        var entries = ArtifactReader.Read(Fixtures.Tvm("v022-android-appledouble.ALM"));
        Assert.Equal(2, entries.Count(e => e.Object is not null));
        Assert.Equal(2, entries.Count(e => e.SkipNote?.Contains("AppleDouble") == true));
        var package = ArtifactReader.Read(Fixtures.Tvm("v022-android-package.ALM"));
        Assert.Contains(package, e => e.Path.EndsWith("mlc-chat-config.json") && e.SkipNote!.Contains("not an object file"));
    }

    [Theory]
    [InlineData("libmodel_android-gnu.a")]
    [InlineData("libmodel_android-bsd.a")]
    public void I_can_read_static_archives_with_long_member_names(string file)
    {
        var entries = ArtifactReader.Read(Fixtures.Tvm(file));
        Assert.Equal([$"{Fixtures.Tvm(file)}!lib0.o", $"{Fixtures.Tvm(file)}!gemma2_q4f16_1_devc.o"], entries.Select(e => e.Path));
        Assert.All(entries, e => Assert.Equal("aarch64", e.Object!.Architecture));
    }

    [Fact]
    public void Nested_archives_are_followed_a_gzip_tar_holding_an_ar_archive()
    {
        var entries = ArtifactReader.Read(Fixtures.Tvm("nested.tar"), "nested.tar");
        Assert.Equal(["nested.tar!libmodel_android-gnu.a!lib0.o", "nested.tar!libmodel_android-gnu.a!gemma2_q4f16_1_devc.o"], entries.Select(e => e.Path));
    }

    [Fact]
    public void I_can_read_32_bit_arm_and_x86_64_objects()
    {
        var arm = ArtifactReader.Read(Fixtures.Tvm("v022-armv7.tar"))[0].Object!;
        Assert.Equal((32, "arm", 40), (arm.Bits, arm.Architecture, arm.Machine));
        Assert.Contains(arm.Imports, s => s.Name == "TVMFFIFunctionCall");
        var x64 = ArtifactReader.Read(Fixtures.Tvm("v022-linux-x64.tar"))[0].Object!;
        Assert.Equal((64, "x86_64"), (x64.Bits, x64.Architecture));
        var macX64 = ArtifactReader.Read(Fixtures.Tvm("v022-macos-x64.tar"))[0].Object!;
        Assert.Equal((ObjectFormat.MachO, "x86_64"), (macX64.Format, macX64.Architecture));
    }

    [Fact]
    public void A_folder_is_read_recursively()
    {
        using var dir = new TempDir();
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), dir["a/lib0.o"].Also(Directory.CreateDirectory));
        File.Copy(Fixtures.Tvm("v022-android.tar"), dir["b.tar"]);
        var entries = ArtifactReader.Read(dir.Path, "lib");
        Assert.Equal(3, entries.Count(e => e.Object is not null));
    }

    [Theory]
    [InlineData("damaged-truncated.tar", "damaged")]
    [InlineData("damaged-random.bin", "not an object file")]
    [InlineData("damaged-shoff.o", "section header table")]
    [InlineData("damaged-empty.o", "is empty")]
    [InlineData("damaged-text.o", "not an object file")]
    public void Damaged_files_are_bad_input_with_one_clear_paragraph(string file, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => ArtifactReader.Read(Fixtures.Tvm(file)));
        Assert.Contains(expected, e.Message);
        Assert.Contains(file, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        var e = Assert.Throws<BadInputException>(() => ArtifactReader.Read("/nonexistent/model.tar"));
        Assert.Contains("does not exist", e.Message);
    }
}

internal static class PathExtensions
{
    /// <summary>Creates the parent folder of a file path and returns the path.</summary>
    public static string Also(this string path, Func<string, DirectoryInfo> createParent)
    {
        createParent(Path.GetDirectoryName(path)!);
        return path;
    }
}

public class UniversalBinaryTests
{
    [Fact]
    public void I_can_read_a_universal_mach_o_slice_by_slice()
    {
        var slice = File.ReadAllBytes(Fixtures.Tvm("v022-macos-arm64-lib0.o"));
        var data = new byte[4096 + slice.Length];
        byte[] header = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1, 0x01, 0, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0x10, 0, (byte)(slice.Length >> 24), (byte)(slice.Length >> 16), (byte)(slice.Length >> 8), (byte)slice.Length, 0, 0, 0, 12];
        header.CopyTo(data, 0);
        slice.CopyTo(data, 4096);
        var entry = Assert.Single(ArtifactReader.Read(data, "fat.o"));
        Assert.Equal("fat.o[arm64]", entry.Path);
        Assert.Contains(entry.Object!.Imports, s => s.Name == "TVMFFIFunctionCall");
    }
}
