using System.Text;
using System.Text.RegularExpressions;
using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// The verifier scans large symbol tables through spans and byte-keyed sets instead of one string per symbol; these
/// check its answers against the plain symbol list (<see cref="BinaryObject.Symbols"/>) on real clang-built objects.
/// </summary>
public class LargeLibraryTests
{
    [Fact]
    public void Unchecked_references_are_counted_once_and_listed_first_200_in_ordinal_order_without_those_another_object_defines()
    {
        using var dir = new TempDir("large");
        var lib = dir["lib"];
        Directory.CreateDirectory(lib);
        var random = new Random(7);
        // 600 references in shuffled order, some differing only in case and length; the device object defines 50 of them
        // and references 100 that lib0 references too.
        var names = Enumerable.Range(0, 600).Select(i => (i % 3) switch { 0 => $"ext_{i}", 1 => $"Ext_{i:x}", _ => $"ext_{i}_long_{i % 7}" })
            .OrderBy(_ => random.Next()).ToList();
        Assemble(lib, "lib0.o", Lib0(names, functions: 300));
        Assemble(lib, "m_q4f16_1_devc.o", Devc(defines: names.Take(50), references: names.Skip(100).Take(100)));

        var result = Verifier.Verify([lib], new VerifyOptions());
        var library = Assert.Single(result.Libraries);

        var objects = ArtifactReader.Read(lib).Select(e => e.Object!).ToList();
        var defined = objects.SelectMany(o => o.Exports).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var expected = objects.SelectMany(o => o.Imports).Select(s => s.Name)
            .Where(n => !defined.Contains(n) && !n.StartsWith("TVM", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(550, expected.Count);
        Assert.Equal(expected.Count, library.UncheckedCount);
        Assert.Equal(expected.Take(LibraryResult.UncheckedListLimit), library.Unchecked);
        Assert.Equal(Verdict.Accepted, library.Verdict);
        var host = library.Objects.Single(o => o.Role == ObjectRole.Host);
        Assert.Equal(300, host.PackedFunctionCount);
        Assert.Contains("300 × __tvm_ffi_<prefix><function>", host.TvmDefined);
    }

    [Fact]
    public void Every_packed_function_with_another_prefix_is_counted_and_the_first_is_named()
    {
        using var dir = new TempDir("large");
        var lib = dir["lib"];
        Directory.CreateDirectory(lib);
        var asm = Lib0(["ext_a"], functions: 200).Replace("__tvm_ffi_m_q4f16_1_f150", "__tvm_ffi_other_f150").Replace("__tvm_ffi_m_q4f16_1_f170", "__tvm_ffi_other_f170");
        Assemble(lib, "lib0.o", asm);
        Assemble(lib, "m_q4f16_1_devc.o", Devc([], []));

        var library = Assert.Single(Verifier.Verify([lib], new VerifyOptions()).Libraries);
        var problem = Assert.Single(library.Problems, p => p.Code == "prefix-mismatch");
        Assert.StartsWith("2 packed function(s)", problem.Message);
        var first = ArtifactReader.ReadObject(Path.Combine(lib, "lib0.o")).Symbols.First(s => s.Name.StartsWith("__tvm_ffi_other_", StringComparison.Ordinal));
        Assert.Contains($"e.g. {first.Name} in lib0.o", problem.Message);
    }

    [Theory]
    [InlineData("gemma2_q4f16_1_")]
    [InlineData("a_")]
    [InlineData("_")]
    [InlineData("__")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("gemma-2_")]
    [InlineData("gemma2_\n")]
    [InlineData("gemma2_\n\n")]
    [InlineData("gemma2_ ")]
    [InlineData("g\u00e9mma_")]
    [InlineData("\u0663_")]
    public void The_default_prefix_rule_without_a_regex_agrees_with_the_regex(string prefix)
    {
        var rule = new BundleRule();
        Assert.Equal(Regex.IsMatch(prefix, BundleRule.DefaultPrefixPattern), rule.Accepts(prefix));
        Assert.Equal(Regex.IsMatch(prefix, "^[a-z]+_$"), (rule with { PrefixPattern = "^[a-z]+_$" }).Accepts(prefix));
    }

    private static string Lib0(IEnumerable<string> references, int functions)
    {
        var sb = new StringBuilder(".text\n");
        for (var i = 0; i < functions; i++)
            sb.Append($".globl __tvm_ffi_m_q4f16_1_f{i}\n.type __tvm_ffi_m_q4f16_1_f{i},@function\n__tvm_ffi_m_q4f16_1_f{i}:\n  ret\n");
        sb.Append(".data\n.balign 8\n");
        foreach (var n in new[] { "TVMFFIFunctionCall", "TVMFFIErrorSetRaisedFromCStr", "TVMBackendGetFuncFromEnv", "TVMFFIEnvModRegisterSystemLibSymbol" }.Concat(references))
            sb.Append($"  .quad {n}\n");
        sb.Append(".weak m_q4f16_1___tvm_ffi__library_ctx\n.type m_q4f16_1___tvm_ffi__library_ctx,@object\nm_q4f16_1___tvm_ffi__library_ctx:\n  .quad 0\n");
        return sb.ToString();
    }

    private static string Devc(IEnumerable<string> defines, IEnumerable<string> references)
    {
        // The blob in v0.22's layout for a module without imports (u64 length, row_ptr [0, 0], no children, "_lib"),
        // then the registration reference the constructor makes.
        var sb = new StringBuilder(".data\n.balign 8\n.globl m_q4f16_1___tvm_ffi__library_bin\nm_q4f16_1___tvm_ffi__library_bin:\n" +
            "  .quad 44, 2, 0, 0, 0, 4\n  .ascii \"_lib\"\n.size m_q4f16_1___tvm_ffi__library_bin, 52\n.balign 8\nreg:\n  .quad TVMFFIEnvModRegisterSystemLibSymbol\n");
        foreach (var n in defines) sb.Append($".globl {n}\n{n}:\n  .quad 0\n");
        foreach (var n in references) sb.Append($"  .quad {n}\n");
        return sb.ToString();
    }

    private static void Assemble(string dir, string name, string assembly)
    {
        var source = Path.Combine(dir, "..", name + ".s");
        File.WriteAllText(source, assembly);
        Programs.Ok("clang-14", "--target=aarch64-linux-android24", "-c", source, "-o", Path.Combine(dir, name));
    }
}
