using Ava.Compiler.Abi;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>abi/generations.json: names no release emitted are labelled as development builds, not as a release.</summary>
public class GenerationLabelTests
{
    private static readonly GenerationTable Table = new AbiCatalog().LoadProfile(AbiCatalog.DefaultProfile).Generations;

    [Theory]
    [InlineData("TVMFFIErrorSetRaisedByCStr", "a TVM development build between v0.20 and v0.21 (never released)")]
    [InlineData("TVMFFIEnvRegisterSystemLibSymbol", "a TVM development build between v0.21 and v0.22 (never released)")]
    [InlineData("TVMFuncCall", "TVM <= v0.20 (old C API)")]
    [InlineData("TVMFFIErrorSetRaisedFromCStr", "TVM v0.21 or newer")]
    public void A_marker_is_labelled_with_the_generations_that_emitted_it(string symbol, string label)
    {
        var marker = Table.Markers.Single(m => m.Symbol == symbol);
        var (lo, hi) = Table.RangeOf(marker);
        Assert.Equal(label, Table.RangeLabel(lo, hi));
    }

    [Fact]
    public void A_library_from_the_window_before_v021_is_rejected_as_a_development_build()
    {
        // The real v0.22 CPU host module with its error call renamed to the pre-v0.21 name (shorter, NUL-padded in the
        // string table) and the v0.22 markers it still has: the verdict stays a rejection naming the replacement.
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(RealTvmFixtures.File("android-cpu/lib0.o"));
        var from = System.Text.Encoding.ASCII.GetBytes("TVMFFIErrorSetRaisedFromCStr\0");
        var to = System.Text.Encoding.ASCII.GetBytes("TVMFFIErrorSetRaisedByCStr\0\0\0");
        var at = bytes.AsSpan().IndexOf(from);
        Assert.True(at >= 0);
        to.CopyTo(bytes, at);
        File.WriteAllBytes(dir["lib0.o"], bytes);
        File.Copy(RealTvmFixtures.File("android-cpu/tinycpu_q4f16_1_devc.o"), dir["tinycpu_q4f16_1_devc.o"]);
        var lib = Assert.Single(Verifier.Verify([dir["lib0.o"], dir["tinycpu_q4f16_1_devc.o"]], new VerifyOptions()).Libraries);
        Assert.Equal(Verdict.Rejected, lib.Verdict);
        var p = Assert.Single(lib.Problems, x => x.Code == "old-api" && x.Symbol == "TVMFFIErrorSetRaisedByCStr");
        Assert.StartsWith("Model uses old TVM API (TVMFFIErrorSetRaisedByCStr). Expected new FFI API (TVMFFIErrorSetRaisedFromCStr)", p.Message);
    }
}
