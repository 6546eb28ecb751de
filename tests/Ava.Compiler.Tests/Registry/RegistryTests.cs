using System.Text.Json.Nodes;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Registry;

public class RegistryTests
{
    private const string Ge2 = "AVA-GE2-2B16";
    private const string Ge3 = "AVA-GE3-4B16";

    private sealed class Workspace : IDisposable
    {
        public readonly TempDir Dir = new("registry");
        public string Dist => Dir["dist"];
        public ModelRegistry Registry => new(Dir["registry"]);
        public void Dispose() => Dir.Dispose();

        public Task<AlcResult> Alc(params string[] args) => AlcRun.RunAsync(Dir.Path, null, args);

        /// <summary>Gemma 2 2B (prefix gemma2_q4f16_1_) and Gemma 3 4B (gemma3_q4f16_1_): a pair that links.</summary>
        public void RegisterPair()
        {
            Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
            Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Ge3, "v022-android-decoys.tar", "gemma3_q4f16_1_",
                recipe: "gemma3-4b", modelType: "gemma3")));
        }

        /// <summary>
        /// A pair whose libraries both carry MLC metadata, as every build the pipeline registers does (its package gate
        /// refuses one without): Gemma 2 2B q4f16_1 (gemma2_q4f16_1_) and the same model in q4f16_0 (gemma2_q4f16_0_).
        /// </summary>
        public void RegisterMetadataPair()
        {
            Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
            Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(Dist, Ge2L0, "v022-android-q4f16_0.tar", "gemma2_q4f16_0_", quantization: "q4f16_0")));
        }
    }

    private const string Ge2L0 = "AVA-GE2-2B16-L0";

    [Fact]
    public void An_llm_build_is_registered_with_every_fact_and_the_hashes_of_its_files()
    {
        using var w = new Workspace();
        var r = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
        Assert.Equal(RegisterChange.Created, r.Change);
        Assert.Equal(Path.Combine(w.Dir["registry"], "models", Ge2 + ".json"), r.Path);
        Assert.Empty(RegistrySchemas.ValidateModel(JsonNode.Parse(File.ReadAllText(r.Path))!));

        var e = w.Registry.GetModel(Ge2);
        Assert.Equal(("llm", "GE2", "2B", "gemma2"), (e.Kind, e.Code, e.Size, e.Family));
        Assert.Equal(new EntryQuantization("q4f16_1", false), e.Quantization);
        Assert.Equal(("0.22.0", RegistryBuilds.TvmCommit, "0.1.0", RegistryBuilds.MlcCommit, "tvm-v0.22.0"),
            (e.Toolchain.TvmVersion, e.Toolchain.TvmCommit, e.Toolchain.TvmFfiVersion, e.Toolchain.MlcLlmCommit, e.Toolchain.AbiProfile));
        // From the library's metadata (tests/fixtures/tvm/src/metadata-gemma2_q4f16_1.json) with vocab_size 16 and context
        // 4096: parameters 16×288×4 + 16×72×2 + 2304×2 = 25344, largest temporary (prefill) 301989888, KV cache
        // 256 head_dim × 26 layers × 4 KV heads × 2 bytes × 2 (K, V) × 4096 tokens = 436207616.
        Assert.Equal((4096, 256, 4096, 16, 738_222_848L, "gemma2_q4f16_1", "gemma2_q4f16_1_"),
            (e.Model.ContextWindowSize, e.Model.PrefillChunkSize, e.Model.SlidingWindowSize, e.Model.VocabSize, e.Model.EstimatedVramBytes, e.Model.ModelLib, e.Model.SystemLibPrefix));
        Assert.Equal("2026-11-26T03:00:00Z", e.CompiledAt);
        Assert.Equal(VerificationStatus.Verified, e.Verification.Status);
        Assert.Equal(FileHasher.HashFile(w.Dir["build/" + Ge2 + "/verification-report.json"]).Sha256, e.Verification.ReportSha256);
        Assert.Equal(FileHasher.HashFile(RepoPaths.Combine("recipes", "gemma2-2b.yml")).Sha256, e.Recipe.Sha256);
        Assert.Equal(("google/gemma-2-2b-it", "299a8560bedf22ed1c72a8a11e7dce4a7f9f51f8"), (e.Source.Repo, e.Source.Commit));

        Assert.Equal([Ge2 + ".ALM", $"models/llm/{Ge2}/{Ge2}.ADco", $"models/llm/{Ge2}/AVALibrary.ADco"], e.Artifacts.Select(a => a.Path));
        foreach (var a in e.Artifacts)
        {
            var d = FileHasher.HashFile(Path.Combine(w.Dist, a.Path));
            Assert.Equal((d.Size, d.Sha256, d.XxHash128), (a.Size, a.Sha256, a.XxHash128));
        }
        Assert.Equal(FileHasher.HashFile(Path.Combine(w.Dist, e.Manifest.Path)).Sha256, e.Manifest.Sha256);
    }

    [Fact]
    public void A_manifest_whose_source_origin_alc_never_writes_is_refused_naming_the_field()
    {
        using var w = new Workspace();
        var build = RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_", origin: "hf");

        var e = Assert.Throws<BadInputException>(() => RegistryEntries.ForLlm(build));

        Assert.Contains("details.source.origin", e.Message);
        Assert.Equal(ExitCode.BadInput, e.ExitCode);
    }

    [Fact]
    public void A_quantization_other_than_the_recipe_default_is_marked_experimental()
    {
        using var w = new Workspace();
        var e = RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, "AVA-GE2-2B16-BF", "v022-android-workspace.tar", "gemma2_q4bf16_1_", quantization: "q4bf16_1"));
        Assert.True(e.Quantization.Experimental);
        Assert.Contains("q4f16_1", e.Quantization.Note);
    }

    [Fact]
    public void Registering_the_same_build_again_leaves_the_file_byte_identical()
    {
        using var w = new Workspace();
        var reg = RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_");
        var path = w.Registry.Register(RegistryEntries.ForLlm(reg)).Path;
        var before = File.ReadAllBytes(path);
        var stamp = File.GetLastWriteTimeUtc(path);

        // A later rebuild of the same bytes: only the clock differs.
        var again = w.Registry.Register(RegistryEntries.ForLlm(reg with { CompiledAt = reg.CompiledAt.AddHours(5) }));
        Assert.Equal(RegisterChange.Unchanged, again.Change);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Equal("2026-11-26T03:00:00Z", again.Entry.CompiledAt);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp*"));
    }

    [Fact]
    public void A_changed_artifact_replaces_the_entry_and_keeps_the_previous_build_as_a_history_line()
    {
        using var w = new Workspace();
        var first = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_"))).Entry;
        var rebuilt = RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_", weights: "weights v2") with
        {
            CompiledAt = new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.Zero),
        };
        var second = w.Registry.Register(RegistryEntries.ForLlm(rebuilt));
        Assert.Equal(RegisterChange.Replaced, second.Change);
        Assert.Equal("2026-11-27T08:30:00Z", second.Entry.CompiledAt);
        var line = Assert.Single(second.Entry.History);
        Assert.Equal(("2026-11-26T03:00:00Z", "2026-11-27T08:30:00Z", first.Manifest.Sha256, VerificationStatus.Verified),
            (line.CompiledAt, line.ReplacedAt, line.ManifestSha256, line.Verification));
        Assert.Equal(first.Artifacts.Select(a => (a.File, a.Sha256)), line.Artifacts.Select(a => (a.File, a.Sha256)));
        Assert.NotEqual(first.ArtifactWithRole(ArtifactRole.Package)!.Sha256, second.Entry.ArtifactWithRole(ArtifactRole.Package)!.Sha256);
        Assert.Equal(RegistryJson.Serialize(second.Entry), RegistryJson.Serialize(w.Registry.GetModel(Ge2)));
    }

    [Fact]
    public void A_release_url_survives_a_re_registration_of_the_same_build()
    {
        using var w = new Workspace();
        var reg = RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_");
        var entry = RegistryEntries.ForLlm(reg);
        var url = "https://github.com/ava/models/releases/download/v1/AVA-GE2-2B16.ALM";
        Assert.Equal(RegisterChange.Created, w.Registry.Register(entry.WithReleaseUrl(Ge2 + ".ALM", url)).Change);
        var again = w.Registry.Register(entry);
        Assert.Equal(RegisterChange.Unchanged, again.Change);
        Assert.Equal(url, again.Entry.ArtifactWithRole(ArtifactRole.Package)!.ReleaseUrl);
    }

    [Fact]
    public async Task An_attestation_is_kept_by_a_local_re_registration_and_dropped_when_the_artifacts_change()
    {
        using var w = new Workspace();
        var entry = RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_"));
        var attestation = new EntryAttestation("18734562", "https://github.com/ava/models/attestations/18734562");
        w.Registry.Register(entry);
        var attested = w.Registry.Register(entry.WithAttestation(attestation.Id, attestation.Url));
        Assert.Equal((RegisterChange.Updated, attestation), (attested.Change, attested.Entry.Attestation));
        Assert.Empty(RegistrySchemas.ValidateModel(JsonNode.Parse(File.ReadAllText(attested.Path))!));
        Assert.Contains("\"attestation\": {\n    \"id\": \"18734562\",\n    \"url\": \"https://github.com/ava/models/attestations/18734562\"\n  }", File.ReadAllText(attested.Path));

        // alc compile on the same bytes does not know the attestation: it stays.
        Assert.Equal((RegisterChange.Unchanged, attestation), (w.Registry.Register(entry).Change, w.Registry.GetModel(Ge2).Attestation));
        var show = await w.Alc("registry", "show", Ge2);
        Assert.Contains("attestation 18734562: https://github.com/ava/models/attestations/18734562", Flat(show.StdErr));

        // Other bytes were not attested: the new entry has none (the old build's line is in the history).
        var rebuilt = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_", weights: "weights v2")));
        Assert.Equal((RegisterChange.Replaced, null), (rebuilt.Change, rebuilt.Entry.Attestation));
    }

    public static TheoryData<string, string> BrokenAttestations => new()
    {
        { "{\"id\": \"18734562\"}", "attestation.url: is required but missing" },
        { "{\"url\": \"https://github.com/ava/models/attestations/1\"}", "attestation.id: is required but missing" },
        { "{\"id\": \"1\", \"url\": \"http://github.com/ava/models/attestations/1\"}", "attestation.url" },
        { "{\"id\": \"1 2\", \"url\": \"https://github.com/ava/models/attestations/1\"}", "attestation.id" },
        { "{\"id\": \"1\", \"url\": \"https://github.com/ava/models/attestations/1\", \"bundle\": \"x\"}", "attestation.bundle: is not a field of this schema" },
        { "\"18734562\"", "attestation" },
    };

    [Theory]
    [MemberData(nameof(BrokenAttestations))]
    public async Task A_broken_attestation_is_rejected_naming_the_field(string value, string expected)
    {
        using var w = new Workspace();
        var path = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_"))).Path;
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        node["attestation"] = JsonNode.Parse(value);
        var problems = RegistrySchemas.ValidateModel(node);
        Assert.Contains(problems, p => p.ToString().StartsWith(expected, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.StartsWith("attestation", p.Field));

        File.WriteAllText(path, node.ToJsonString());
        var r = await w.Alc("registry", "validate");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected.Split(':')[0], r.StdErr);
    }

    [Fact]
    public void An_aon_build_is_registered_with_its_accuracy_gate()
    {
        using var w = new Workspace();
        var r = w.Registry.Register(RegistryEntries.ForAon(RegistryBuilds.Aon(w.Dist)));
        var e = r.Entry;
        Assert.Equal(("onnx-embedding", "384", "Base", "bert"), (e.Kind, e.Code, e.Size, e.Family));
        Assert.Equal(new EntryAccuracy(0.9913, 0.9727, 0.99, 0.97, 55, true, 0.2575), e.Accuracy);
        Assert.Equal((256, 6, 384), (e.Model.ContextWindowSize, e.Model.VocabSize, e.Model.Dimensions));
        Assert.NotNull(e.Toolchain.OnnxRuntimeVersion);
        Assert.Null(e.Toolchain.TvmVersion);
        Assert.Equal(["models/AVA-384-Base-INT8.AON", "models/AVA-384-Base-INT8.vocab.txt"], e.Artifacts.Select(a => a.Path));
        Assert.Empty(RegistrySchemas.ValidateModel(JsonNode.Parse(File.ReadAllText(r.Path))!));
    }

    public static TheoryData<string, string, string> BrokenFields => new()
    {
        // file edit (JSON pointer-ish path, value or null to delete) → the field the message must name
        { "toolchain.tvmCommit", "", "toolchain.tvmCommit: is required but missing" },
        { "toolchain.tvmVersion", "", "toolchain.tvmVersion: is required but missing" },
        { "model.vocabSize", "", "model.vocabSize: is required but missing" },
        { "model.contextWindowSize", "\"4096\"", "model.contextWindowSize" },
        { "compiledAt", "\"26.11.2026 03:00\"", "compiledAt" },
        { "verification.status", "\"probably\"", "verification.status" },
        { "verification.reportSha256", "", "verification.reportSha256: is required but missing" },
        { "artifacts[0].sha256", "\"abc\"", "artifacts[0].sha256" },
        { "quantization.experimental", "", "quantization.experimental: is required but missing" },
        { "model.modelLib", "", "model.modelLib: is required but missing" },
        { "verifed", "true", "verifed: is not a field of this schema" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public async Task A_broken_entry_is_rejected_by_validate_naming_the_field(string field, string value, string expected)
    {
        using var w = new Workspace();
        var path = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_"))).Path;
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Edit(node, field, value);
        File.WriteAllText(path, node.ToJsonString());

        var r = await w.Alc("registry", "validate");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.StdErr);
        var json = (await w.Alc("registry", "validate", "--json")).Json().RootElement;
        var problems = json.GetProperty("files")[0].GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("field").GetString() + ": " + p.GetProperty("message").GetString()).ToList();
        Assert.Contains(problems, p => p.StartsWith(expected.Split(':')[0], StringComparison.Ordinal));
        Assert.All(problems, p => Assert.StartsWith(field, p)); // only the broken field is reported

        var show = await w.Alc("registry", "show", Ge2);
        Assert.Equal(2, show.ExitCode);
        Assert.Contains(expected.Split(':')[0], show.StdErr);
    }

    [Fact]
    public void An_aon_entry_without_its_accuracy_gate_is_invalid()
    {
        using var w = new Workspace();
        var node = JsonNode.Parse(RegistryJson.Serialize(RegistryEntries.ForAon(RegistryBuilds.Aon(w.Dist))))!.AsObject();
        node.Remove("accuracy");
        Assert.Contains(new SchemaProblem("accuracy", "is required but missing"), RegistrySchemas.ValidateModel(node));
        node = JsonNode.Parse(RegistryJson.Serialize(RegistryEntries.ForAon(RegistryBuilds.Aon(w.Dist))))!.AsObject();
        node["toolchain"]!.AsObject().Remove("onnxRuntimeVersion");
        Assert.Contains(new SchemaProblem("toolchain.onnxRuntimeVersion", "is required but missing"), RegistrySchemas.ValidateModel(node));
    }

    [Fact]
    public async Task A_file_named_differently_from_its_entry_is_reported()
    {
        using var w = new Workspace();
        var path = w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_"))).Path;
        File.Move(path, Path.Combine(Path.GetDirectoryName(path)!, "AVA-GE2-9B16.json"));
        var r = await w.Alc("registry", "validate");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("file name must be the name", r.StdErr);
    }

    [Fact]
    public async Task Two_libraries_built_with_the_same_prefix_cannot_form_an_experiment_and_the_colliding_symbol_is_named()
    {
        using var w = new Workspace();
        w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
        // Another Gemma 2 build that kept the same system-lib prefix.
        w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, "AVA-GE2-2B16-L0", "v022-android-same-prefix.tar", "gemma2_q4f16_1_",
            quantization: "q4f16_0")));

        var r = await w.Alc("registry", "ab", "create", "same-prefix", "--arm", Ge2 + ":50:control", "--arm", "AVA-GE2-2B16-L0:50:treatment",
            "--metric", "tokens-per-second", "--description", "layout 0 vs 1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("__tvm_ffi_gemma2_q4f16_1_fused_matmul", Flat(r.StdErr));
        Assert.Contains("share the system-lib prefix 'gemma2_q4f16_1_'", Flat(r.StdErr));
        Assert.False(File.Exists(w.Registry.AbPath("same-prefix")));

        var v = AbValidator.Validate(w.Registry, new AbExperiment
        {
            Id = "same-prefix", Description = "", StartDate = "2026-11-26", Metrics = ["m"],
            Arms = [new AbArm(Ge2, 50, AbRole.Control), new AbArm("AVA-GE2-2B16-L0", 50, AbRole.Treatment)],
        }, w.Dist);
        Assert.Contains(v.Problems, p => p.Code == "link-duplicate-symbol" && p.Symbol == "__tvm_ffi_gemma2_q4f16_1_fused_matmul");
        Assert.Contains(v.Problems, p => p.Code == "link-shared-prefix");
    }

    [Fact]
    public async Task A_pair_with_distinct_prefixes_is_created_and_validates()
    {
        using var w = new Workspace();
        w.RegisterMetadataPair();
        var r = await w.Alc("registry", "ab", "create", "q4f16-0-vs-1", "--arm", Ge2 + ":60:control", "--arm", Ge2L0 + ":40:treatment",
            "--metric", "tokens-per-second", "--metric", "user-rating", "--description", "Gemma 3 4B against the Gemma 2 2B baseline",
            "--start-date", "2026-12-01", "--status", "running", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.Json().RootElement.GetProperty("linkProof").GetBoolean());
        var saved = w.Registry.GetAb("q4f16-0-vs-1");
        Assert.Equal([new AbArm(Ge2, 60, AbRole.Control), new AbArm(Ge2L0, 40, AbRole.Treatment)], saved.Arms);
        Assert.Equal((AbStatus.Running, "2026-12-01"), (saved.Status, saved.StartDate));
        Assert.Equal(RegistryJson.Serialize(saved), File.ReadAllText(w.Registry.AbPath(saved.Id)));

        var validate = await w.Alc("registry", "ab", "validate", "q4f16-0-vs-1");
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("link into one app build", Flat(validate.StdErr));
        Assert.Equal(0, (await w.Alc("registry", "validate", "--link")).ExitCode);
        var show = await w.Alc("registry", "ab", "show", "q4f16-0-vs-1");
        Assert.Contains("treatment", show.StdErr);
    }

    [Fact]
    public async Task Arms_must_exist_be_verified_weigh_100_and_include_a_control()
    {
        using var w = new Workspace();
        w.RegisterPair();
        // A build the verify core rejected (old TVM API) still gets an entry, marked rejected.
        w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, "AVA-GE3-1B16", "v020-android.tar", "gemma_q4f16_1_", recipe: "gemma3-1b", modelType: "gemma3_text")));
        Assert.False(w.Registry.GetModel("AVA-GE3-1B16").Verified);

        var r = await w.Alc("registry", "ab", "create", "bad", "--arm", Ge3 + ":50:treatment", "--arm", "AVA-GE3-1B16:30:treatment",
            "--arm", "AVA-XXX-1B16:10:treatment", "--metric", "m", "--json");
        Assert.Equal(1, r.ExitCode);
        var codes = r.Json().RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();
        Assert.Equal(["weights", "roles", "unverified", "missing-model"], codes);
        Assert.Contains("sum to 90", r.StdOut);
    }

    [Fact]
    public async Task An_arm_whose_library_is_not_the_registered_file_is_refused()
    {
        using var w = new Workspace();
        w.RegisterPair();
        File.AppendAllText(Path.Combine(w.Dist, "models", "llm", Ge3, Ge3 + ".ADco"), "x");
        var r = await w.Alc("registry", "ab", "create", "x", "--arm", Ge2 + ":50:control", "--arm", Ge3 + ":50:treatment", "--metric", "m");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is not the file registered for " + Ge3, r.StdErr);

        Directory.Delete(Path.Combine(w.Dist, "models", "llm", Ge3), true);
        File.Delete(Path.Combine(w.Dist, Ge3 + ".ALM"));
        var missing = await w.Alc("registry", "ab", "create", "x", "--arm", Ge2 + ":50:control", "--arm", Ge3 + ":50:treatment", "--metric", "m");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("is not on this machine", missing.StdErr);
        Assert.Equal(0, (await w.Alc("registry", "ab", "create", "x", "--arm", Ge2 + ":50:control", "--arm", Ge3 + ":50:treatment", "--metric", "m", "--no-link-proof")).ExitCode);
    }

    [Fact]
    public async Task The_app_config_has_the_mlc_shape_field_by_field_plus_the_ava_fields()
    {
        using var w = new Workspace();
        w.RegisterMetadataPair();
        w.Registry.Register(RegistryEntries.ForAon(RegistryBuilds.Aon(w.Dist)));
        Assert.Equal(0, (await w.Alc("registry", "ab", "create", "ab1", "--arm", Ge2 + ":50:control", "--arm", Ge2L0 + ":50:treatment", "--metric", "m")).ExitCode);

        var r = await w.Alc("registry", "app-config", "--ab", "ab1", "-o", "app/mlc-app-config.json");
        Assert.Equal(0, r.ExitCode);
        var text = File.ReadAllText(w.Dir["app/mlc-app-config.json"]);
        var config = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["ava", "model_list"], config.Select(kv => kv.Key));
        var list = config["model_list"]!.AsArray();
        Assert.Equal(2, list.Count);
        foreach (var (record, name, prefix, role, quantization, experimental, vram) in new[]
                 {
                     (list[0]!, Ge2, "gemma2_q4f16_1", "control", "q4f16_1", false, 738_222_848L),
                     // metadata-gemma2_q4f16_0.json: the same sizes as q4f16_1's, so the same estimate.
                     (list[1]!, Ge2L0, "gemma2_q4f16_0", "treatment", "q4f16_0", true, 738_222_848L),
                 })
        {
            // MLC's ModelRecord (mlc-llm@7b15b196 AppViewModel.kt:830-835): model_id names the folder files/<model_id>/
            // (L107) = the folder alc publishes; model_url would be an HF-style repo (L118, L184), which alc does not
            // publish, and model_path is iPhone-only (interface/package.py:137-140): neither is written.
            Assert.Equal(name, record["model_id"]!.GetValue<string>());
            Assert.True(Directory.Exists(Path.Combine(w.Dist, "models", "llm", record["model_id"]!.GetValue<string>())));
            Assert.Equal(prefix, record["model_lib"]!.GetValue<string>());
            Assert.Equal(vram, record["estimated_vram_bytes"]!.GetValue<long>());
            Assert.Null(record["model_path"]);
            Assert.Null(record["model_url"]);
            // mlc_llm package's validation rule: the library defines <model_lib>___tvm_ffi__library_bin.
            var device = ArtifactReader.ReadObject(Path.Combine(w.Dist, "models", "llm", name, name + ".ADco"));
            Assert.Contains(device.Exports, s => s.Name == prefix + "___tvm_ffi__library_bin");
            Assert.Equal((name, quantization, experimental, role, 50), (record["ava_name"]!.GetValue<string>(), record["ava_quantization"]!.GetValue<string>(),
                record["ava_experimental"]!.GetValue<bool>(), record["ava_role"]!.GetValue<string>(), record["ava_weight"]!.GetValue<int>()));
            var package = FileHasher.HashFile(Path.Combine(w.Dist, name + ".ALM"));
            Assert.Equal((package.Size, package.Sha256), (record["ava_package"]!["size"]!.GetValue<long>(), record["ava_package"]!["sha256"]!.GetValue<string>()));
            Assert.All(record.AsObject(), kv => Assert.True(kv.Key is "model_id" or "model_lib" or "estimated_vram_bytes" || kv.Key.StartsWith("ava_"), kv.Key));
        }
        var nlu = Assert.Single(config["ava"]!["nlu_list"]!.AsArray())!;
        Assert.Equal("AVA-384-Base-INT8", nlu["ava_name"]!.GetValue<string>());
        Assert.Equal("models/AVA-384-Base-INT8.AON", nlu["model"]!["path"]!.GetValue<string>());
        Assert.Equal(384, nlu["dimensions"]!.GetValue<int>());
        Assert.Equal("ab1", config["ava"]!["experiment"]!["id"]!.GetValue<string>());

        // The same selection written again is the same bytes.
        Assert.Equal(0, (await w.Alc("registry", "app-config", "--ab", "ab1", "-o", "app/mlc-app-config.json")).ExitCode);
        Assert.Equal(text, File.ReadAllText(w.Dir["app/mlc-app-config.json"]));
    }

    [Fact]
    public async Task App_config_by_model_list_puts_the_release_url_under_ava_package_never_in_model_url_and_refuses_unverified_models()
    {
        using var w = new Workspace();
        w.RegisterPair();
        var url = "https://github.com/ava/models/releases/download/v1/AVA-GE3-4B16.ALM";
        w.Registry.Register(w.Registry.GetModel(Ge3).WithReleaseUrl(Ge3 + ".ALM", url));

        var r = await w.Alc("registry", "app-config", "--models", Ge3, "--json");
        Assert.Equal(0, r.ExitCode);
        var record = r.Json().RootElement.GetProperty("config").GetProperty("model_list")[0];
        // MLCChat would read model_url as an HF repo base and fetch {url}/resolve/main/mlc-chat-config.json from it.
        Assert.False(record.TryGetProperty("model_url", out _));
        Assert.Equal(url, record.GetProperty("ava_package").GetProperty("url").GetString());
        Assert.False(record.TryGetProperty("model_path", out _));
        Assert.False(record.TryGetProperty("ava_role", out _));
        var local = (await w.Alc("registry", "app-config", "--models", Ge3, "--local", "--json")).Json().RootElement.GetProperty("config").GetProperty("model_list")[0];
        Assert.Equal("models/llm/" + Ge3, local.GetProperty("ava_model_path").GetString());
        Assert.False(local.TryGetProperty("model_path", out _));

        w.Registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(w.Dist, "AVA-GE3-1B16", "v020-android.tar", "gemma_q4f16_1_", recipe: "gemma3-1b", modelType: "gemma3_text")));
        var refused = await w.Alc("registry", "app-config", "--models", $"{Ge2},AVA-GE3-1B16", "-o", "x.json");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("AVA-GE3-1B16 failed verification", refused.StdErr);
        Assert.False(File.Exists(w.Dir["x.json"]));
        Assert.Equal(2, (await w.Alc("registry", "app-config", "--models", Ge2)).ExitCode); // -o is required without --json
    }

    [Fact]
    public async Task List_and_show_print_tables_and_json()
    {
        using var w = new Workspace();
        w.RegisterPair();
        var list = await w.Alc("registry", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(Ge2, list.StdErr);
        Assert.Contains("verified", list.StdErr);
        var json = (await w.Alc("registry", "list", "--json")).Json().RootElement;
        Assert.Equal([Ge2, Ge3], json.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var show = await w.Alc("registry", "show", Ge3, "--json");
        Assert.Equal("gemma3_q4f16_1", show.Json().RootElement.GetProperty("entry").GetProperty("model").GetProperty("modelLib").GetString());
        var missing = await w.Alc("registry", "show", "AVA-XXX-1B16");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("has no model 'AVA-XXX-1B16'", missing.StdErr);
    }

    /// <summary>The console wraps long lines; compare text with runs of whitespace folded to one space.</summary>
    private static string Flat(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"\s+", " ");

    private static void Edit(JsonObject root, string field, string value)
    {
        JsonNode parent = root;
        var parts = field.Replace("[", ".[").Split('.');
        foreach (var p in parts[..^1]) parent = p.StartsWith('[') ? parent[int.Parse(p.Trim('[', ']'))]! : parent[p]!;
        var last = parts[^1];
        if (value.Length == 0) parent.AsObject().Remove(last);
        else parent.AsObject()[last] = JsonNode.Parse(value);
    }
}
