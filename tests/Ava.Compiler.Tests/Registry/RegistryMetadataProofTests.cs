using System.Text.Json;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Registry;

/// <summary>
/// The bundle proof against the registry (issue 17 step 4): the libraries of an A/B pair, each with MLC metadata in the
/// real serialisation (tests/fixtures/tvm: v022-android = Gemma 2 q4f16_1, v022-android-q4f16_0 = the q4f16_0 build
/// with its own prefix), against registry entries written the way the pipeline writes them; one entry edited per test.
/// </summary>
public class RegistryMetadataProofTests : IDisposable
{
    private const string Q1 = "AVA-GE2-2B16";
    private const string Q0 = "AVA-GE2-2B16-L0";

    private readonly TempDir dir = new("registry-metadata");
    private string Dist => dir["dist"];
    private ModelRegistry Registry => new(dir["registry"]);

    public void Dispose() => dir.Dispose();

    private Task<AlcResult> Alc(params string[] args) => AlcRun.RunAsync(dir.Path, null, args);

    private void RegisterPair()
    {
        Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Q1, "v022-android.tar", "gemma2_q4f16_1_")));
        Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Q0, "v022-android-q4f16_0.tar", "gemma2_q4f16_0_", quantization: "q4f16_0")));
    }

    /// <summary>Rewrites an entry as someone editing the registry (or a stale entry) would leave it.</summary>
    private void Edit(string name, Func<ModelEntry, ModelEntry> edit) => Registry.Register(edit(Registry.GetModel(name)));

    private AbValidation Validate() => AbValidator.Validate(Registry, new AbExperiment
    {
        Id = "q4f16-0-vs-1", Description = "", StartDate = "2026-12-06", Metrics = ["tokens-per-second"],
        Arms = [new AbArm(Q1, 50, AbRole.Control), new AbArm(Q0, 50, AbRole.Treatment)],
    }, Dist);

    private Task<AlcResult> VerifyBundle(params string[] extra) =>
        Alc(["verify", "--bundle", "--registry", "registry", $"dist/{Q1}.ALM", $"dist/{Q0}.ALM", "--json", .. extra]);

    private static List<(string Code, string Severity, string Message, string Fix)> RegistryProblems(AlcResult r) =>
        r.Json().RootElement.GetProperty("libraries").EnumerateArray()
            .SelectMany(l => l.GetProperty("problems").EnumerateArray())
            .Where(p => p.GetProperty("code").GetString() == RegistryMetadataProof.Code)
            .Select(p => (p.GetProperty("code").GetString()!, p.GetProperty("severity").GetString()!, p.GetProperty("message").GetString()!, p.GetProperty("fix").GetString()!))
            .ToList();

    [Fact]
    public async Task A_pair_whose_metadata_agrees_with_its_registry_entries_passes_verify_and_the_ab_validation()
    {
        RegisterPair();
        var v = Validate();
        Assert.True(v.Ok, string.Join("\n", v.Problems.Select(p => $"{p.Code}: {p.Message}")));

        var r = await VerifyBundle("--strict", "--report", "proof");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"Registry proof: checked against {Registry.ModelPath(Q0)}", File.ReadAllText(dir["proof/verification-report.md"]).Replace("\\", ""));
        Assert.Empty(RegistryProblems(r));
        var proofs = r.Json().RootElement.GetProperty("libraries").EnumerateArray().Select(l => l.GetProperty("registryProof").GetString()!).ToList();
        Assert.Equal(2, proofs.Count);
        Assert.EndsWith($"{Q1}.json", proofs[0]);
        Assert.EndsWith($"{Q0}.json", proofs[1]);
        Assert.True(Schemas.VerificationReport.Evaluate(r.Json().RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List }).IsValid);
    }

    public static TheoryData<string, string[]> Mismatches => new()
    {
        // Which field of Q0's entry is edited, and what the problem must name (both sides).
        { "model_type", ["model_type \"gemma2\"", "\"gemma3\""] },
        { "quantization", ["quantization q4f16_0", "says q4f16_1"] },
        { "context", ["context_window_size 8192", "above the 4096"] },
        { "prefill", ["prefill_chunk_size 2048", "above the 1024"] },
        { "sliding window", ["with sliding_window_size 4096", "has none"] },
        { "estimated_vram_bytes", ["records estimated_vram_bytes 3000000000", "gives 738222848", "parameters 25344"] },
    };

    private static ModelEntry Break(ModelEntry e, string field) => field switch
    {
        "model_type" => e with { Family = "gemma3" },
        "quantization" => e with { Quantization = new EntryQuantization("q4f16_1", false) },
        "context" => e with { Model = e.Model with { ContextWindowSize = 8192 } },
        "prefill" => e with { Model = e.Model with { PrefillChunkSize = 2048 } },
        "sliding window" => e with { Model = e.Model with { SlidingWindowSize = null } },
        "estimated_vram_bytes" => e with { Model = e.Model with { EstimatedVramBytes = 3_000_000_000L } },
        _ => throw new ArgumentException(field),
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task An_entry_that_disagrees_with_its_library_metadata_refuses_the_pair_naming_both_sides_and_the_fix(string field, string[] names)
    {
        RegisterPair();
        Edit(Q0, e => Break(e, field));

        var v = Validate();
        var problem = Assert.Single(v.Problems);
        Assert.Equal(RegistryMetadataProof.Code, problem.Code);
        foreach (var n in names) Assert.Contains(n, problem.Message);
        Assert.Contains(Q0, problem.Message);
        Assert.Contains("Register this library's own build", problem.Fix);

        var r = await VerifyBundle();
        Assert.Equal(1, r.ExitCode);
        var found = Assert.Single(RegistryProblems(r));
        Assert.Equal("error", found.Severity);
        foreach (var n in names) Assert.Contains(n, found.Message);

        // The A/B entry is not written (nothing published).
        var create = await Alc("registry", "ab", "create", "q4f16-0-vs-1", "--arm", Q1 + ":50:control", "--arm", Q0 + ":50:treatment", "--metric", "m");
        Assert.Equal(1, create.ExitCode);
        Assert.Contains("registry-metadata", create.StdErr);
        Assert.False(File.Exists(Registry.AbPath("q4f16-0-vs-1")));
    }

    [Fact]
    public async Task A_library_without_metadata_says_so_a_warning_in_verify_and_an_error_with_strict_and_in_the_ab_gate()
    {
        RegisterPair();
        // Gemma 3 4B from the decoys fixture: a v0.22 library whose blob has no _metadata (like a non-MLC TVM build).
        Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, "AVA-GE3-4B16", "v022-android-decoys.tar", "gemma3_q4f16_1_", recipe: "gemma3-4b", modelType: "gemma3")));
        string[] args = ["verify", "--bundle", "--registry", "registry", $"dist/{Q1}.ALM", "dist/AVA-GE3-4B16.ALM", "--json"];

        var lenient = await Alc(args);
        Assert.Equal(0, lenient.ExitCode);
        var warning = Assert.Single(RegistryProblems(lenient));
        Assert.Equal("warning", warning.Severity);
        Assert.Contains("carries no MLC-LLM metadata", warning.Message);
        Assert.Contains("AVA-GE3-4B16", warning.Message);

        var strict = await Alc([.. args, "--strict"]);
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal("error", Assert.Single(RegistryProblems(strict)).Severity);

        var v = AbValidator.Validate(Registry, new AbExperiment
        {
            Id = "g3", Description = "", StartDate = "2026-12-06", Metrics = ["m"],
            Arms = [new AbArm(Q1, 50, AbRole.Control), new AbArm("AVA-GE3-4B16", 50, AbRole.Treatment)],
        }, Dist);
        var p = Assert.Single(v.Problems);
        Assert.Equal(RegistryMetadataProof.Code, p.Code);
        Assert.Contains("carries no MLC-LLM metadata", p.Message);
    }

    [Fact]
    public async Task A_library_with_no_registry_entry_is_rejected_and_a_bare_library_is_sized_with_the_entrys_vocab_size()
    {
        RegisterPair();
        // The bare tar has no mlc-chat-config.json: vocab_size comes from the entry, and the estimate still matches.
        var bare = await Alc("verify", "--registry", "registry", Fixtures.Tvm("v022-android-q4f16_0.tar"), "--json");
        Assert.Equal(0, bare.ExitCode);
        Assert.Empty(RegistryProblems(bare));

        File.Delete(Registry.ModelPath(Q0));
        var r = await VerifyBundle();
        Assert.Equal(1, r.ExitCode);
        var problem = Assert.Single(RegistryProblems(r));
        Assert.Contains("no LLM entry", problem.Message);
        Assert.Contains("'gemma2_q4f16_0_'", problem.Message);

        var notRegistry = await Alc("verify", "--registry", "dist/models/llm", $"dist/{Q1}.ALM");
        Assert.Equal(2, notRegistry.ExitCode);
        Assert.Contains("is not a registry", notRegistry.StdErr);
    }
}
