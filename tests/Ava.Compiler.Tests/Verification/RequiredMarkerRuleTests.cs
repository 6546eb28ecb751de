using System.Text;
using Ava.Compiler.Abi;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// The required-marker rule on known-bad inputs made from the real v0.22 output: one runtime reference renamed in the
/// object's string table (same length, so the ELF stays valid), as if codegen had not emitted it.
/// </summary>
public class RequiredMarkerRuleTests
{
    /// <summary>The real library as a loose pair, with <paramref name="symbol"/> renamed in <paramref name="member"/>.</summary>
    private static LibraryResult VerifyWithout(TempDir dir, string build, string member, string symbol)
    {
        var prefix = build == "android-opencl" ? "tiny_q4f16_1_" : "tinycpu_q4f16_1_";
        foreach (var name in new[] { "lib0.o", prefix + "devc.o" })
        {
            var bytes = File.ReadAllBytes(RealTvmFixtures.File($"{build}/{name}"));
            if (name == member)
            {
                var renamed = Rename(bytes, symbol, "X" + symbol[1..]);
                Assert.NotEqual(bytes, renamed);
                bytes = renamed;
            }
            File.WriteAllBytes(dir[name], bytes);
        }
        return Assert.Single(Verifier.Verify([dir["lib0.o"], dir[prefix + "devc.o"]], new VerifyOptions()).Libraries);
    }

    private static byte[] Rename(byte[] bytes, string from, string to)
    {
        var find = Encoding.ASCII.GetBytes(from + "\0");
        var with = Encoding.ASCII.GetBytes(to + "\0");
        var copy = (byte[])bytes.Clone();
        for (var at = copy.AsSpan().IndexOf(find); at >= 0;)
        {
            with.CopyTo(copy, at);
            var next = copy.AsSpan(at + 1).IndexOf(find);
            at = next < 0 ? -1 : at + 1 + next;
        }
        return copy;
    }

    [Theory]
    [InlineData("TVMFFIEnvModRegisterSystemLibSymbol", "codegen_cpu.cc:146-153")]
    [InlineData("TVMFFIErrorSetRaisedFromCStr", "make_packed_api.cc:269-273")]
    public void The_CPU_only_rule_still_rejects_a_host_module_missing_a_reference_v022_always_emits(string symbol, string cited)
    {
        using var dir = new TempDir();
        var lib = VerifyWithout(dir, "android-cpu", "lib0.o", symbol);
        Assert.Equal(Verdict.Rejected, lib.Verdict);
        var p = Assert.Single(lib.Problems, x => x.Code == "missing-marker" && x.Symbol == symbol);
        Assert.Contains($"does not reference {symbol}, which v0.22 generated code always references in a system-lib host module", p.Message);
        Assert.Contains(cited, p.Message);
    }

    [Fact]
    public void An_import_blob_without_its_registration_call_is_rejected()
    {
        using var dir = new TempDir();
        var lib = VerifyWithout(dir, "android-cpu", "tinycpu_q4f16_1_devc.o", "TVMFFIEnvModRegisterSystemLibSymbol");
        var p = Assert.Single(lib.Problems, x => x.Code == "missing-marker");
        Assert.Contains("<prefix>devc.o (the import blob), does not reference TVMFFIEnvModRegisterSystemLibSymbol", p.Message);
        Assert.Contains("codegen_blob.cc", p.Message);
    }

    [Theory]
    [InlineData("TVMFFIFunctionCall", "codegen_cpu.cc:862-866")]
    [InlineData("TVMBackendGetFuncFromEnv", "codegen_cpu.cc:810-816")]
    public void A_host_module_that_launches_device_kernels_must_reference_the_packed_call_functions(string symbol, string cited)
    {
        using var dir = new TempDir();
        var lib = VerifyWithout(dir, "android-opencl", "lib0.o", symbol);
        Assert.Equal(Verdict.Rejected, lib.Verdict);
        var p = Assert.Single(lib.Problems, x => x.Code == "missing-marker" && x.Symbol == symbol);
        Assert.Contains("lib0.o calls 23 function(s) by name (handle slots .tvm_func.", p.Message);
        Assert.Contains($"does not reference {symbol}", p.Message);
        Assert.Contains(cited, p.Message);
        // Only a device module makes these required, so the message must not claim codegen always emits them.
        Assert.DoesNotContain("always", p.Message);
    }

    [Fact]
    public void Every_reference_rule_of_the_profile_cites_its_upstream_source_line_at_the_pinned_commit()
    {
        var profile = new AbiCatalog().LoadProfile(AbiCatalog.DefaultProfile);
        var rules = profile.HostObject.References.Concat(profile.DeviceObject.References).Concat(profile.SharedLibrary!.References).ToList();
        Assert.Equal(["TVMFFIEnvModRegisterSystemLibSymbol", "TVMFFIErrorSetRaisedFromCStr"],
            profile.HostObject.References.Where(r => r.Required == ReferenceRule.Always).Select(r => r.Symbol));
        Assert.Equal(["TVMFFIFunctionCall", "TVMBackendGetFuncFromEnv"],
            profile.HostObject.References.Where(r => r.Required == ReferenceRule.WithDeviceModule).Select(r => r.Symbol));
        Assert.All(rules, r =>
        {
            Assert.NotEmpty(r.Source);
            Assert.All(r.Source, s => Assert.Matches(@"^apache/tvm@9dbf3f22:src/[a-z_/]+\.cc:\d+(-\d+)?$", s));
        });
        Assert.Equal(".tvm_func.", profile.HostObject.DeviceModuleEvidence!.HandleSlotPrefix);
    }

    [Fact]
    public void A_profile_with_an_unknown_requirement_kind_is_bad_input()
    {
        using var dir = new TempDir();
        var text = File.ReadAllText(RepoPaths.Combine("abi", "tvm-v0.22.0.json")).Replace("\"required\": \"with-device-module\"", "\"required\": \"sometimes\"");
        dir.Write("custom.json", text);
        File.Copy(RepoPaths.Combine("abi", "generations.json"), dir["generations.json"]);
        var e = Assert.Throws<Ava.Compiler.Errors.BadInputException>(() => new AbiCatalog().LoadProfile(dir["custom.json"]));
        Assert.Contains("'sometimes'", e.Message);
    }
}
