using System.Text.Json.Nodes;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Registry;

/// <summary>Which models go into the app config: an A/B experiment's arms, an explicit list, or every verified model.</summary>
public sealed record AppConfigSelection
{
    public string? Experiment { get; init; }

    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Also write <c>ava_model_path</c> (the folder under the app's assets, <c>models/llm/&lt;name&gt;</c>) for a bundled build.</summary>
    public bool LocalPaths { get; init; }

    public AppConfigSelection WithExperiment(string? id) => this with { Experiment = id };

    public AppConfigSelection WithModels(IReadOnlyList<string> models) => this with { Models = models };

    public AppConfigSelection WithLocalPaths(bool local = true) => this with { LocalPaths = local };
}

/// <summary>
/// The app-side model list (US-3 "model metadata JSON"): <c>mlc-app-config.json</c>. The keys MLC's Android app reads
/// keep MLC's meaning (mlc-ai/mlc-llm@7b15b196:android/MLCChat/app/src/main/java/ai/mlc/mlcchat/AppViewModel.kt:830-835
/// ModelRecord): <c>model_id</c> names the model folder (<c>files/&lt;model_id&gt;/</c>, AppViewModel.kt:107) = the AVA
/// name = the folder alc publishes, <c>model_lib</c>, <c>estimated_vram_bytes</c>. <c>model_url</c> is an HF-style repo
/// base (MLCChat fetches <c>{model_url}/resolve/main/mlc-chat-config.json</c>, AppViewModel.kt:118,184) and alc publishes
/// no such repo, so it is not written; <c>model_path</c> is iPhone-only upstream (interface/package.py:137-140) and is
/// never written. What AVA's own app reads lives under <c>ava_*</c>: <c>ava_package</c> (the <c>.ALM</c> with size,
/// SHA-256 and, once published, its release <c>url</c>, which AVA's downloader unpacks into <c>files/&lt;model_id&gt;/</c>),
/// <c>ava_model_path</c> (<c>--local</c>), quantization, A/B role and weight, and the <c>.AON</c> NLU models under
/// <c>ava.nlu_list</c>. Only verified models are ever written; an experiment must pass <see cref="AbValidator"/> first.
/// </summary>
public static class AppConfigBuilder
{
    public const string Schema = "alc-app-config/1";

    public static JsonObject Build(ModelRegistry registry, AppConfigSelection selection, string distDirectory)
    {
        if (selection.Experiment is not null && selection.Models.Count > 0)
            throw new BadInputException($"Both an experiment{Remedy.Of(UserInput.Experiment)} and model names{Remedy.Of(UserInput.Models)} were given.", $"Choose the models either by experiment{Remedy.Of(UserInput.Experiment)} or by name{Remedy.Of(UserInput.Models)}, not both.");

        AbExperiment? experiment = null;
        List<ModelEntry> chosen;
        if (selection.Experiment is { } id)
        {
            experiment = registry.GetAb(id);
            var check = AbValidator.Validate(registry, experiment, distDirectory);
            if (!check.Ok)
                throw new VerificationFailedException($"The A/B experiment '{id}' cannot ship: {string.Join(" ", check.Problems.Select(p => p.Message))}",
                    check.Problems[0].Fix + " ('alc registry ab validate " + id + "' shows every problem.)");
            chosen = [.. experiment.Arms.Select(a => registry.GetModel(a.Model)), .. registry.Models().Where(m => m.Kind == ModelEntry.KindOnnxEmbedding && m.Verified)];
        }
        else if (selection.Models.Count > 0)
        {
            chosen = selection.Models.Distinct().Select(registry.GetModel).ToList();
        }
        else
        {
            chosen = registry.Models().Where(m => m.Verified).ToList();
        }
        var unverified = chosen.Where(m => !m.Verified).Select(m => m.Name).ToList();
        if (unverified.Count > 0)
            throw new VerificationFailedException($"{string.Join(", ", unverified)} failed verification and cannot go into an app build.",
                $"Rebuild with the pinned toolchain ('alc compile'), or leave it out of the model names{Remedy.Of(UserInput.Models)}.");
        if (chosen.All(m => m.Kind != ModelEntry.KindLlm))
            throw new BadInputException("No LLM was selected for the app config.", $"Register an LLM build first, or name one among the models{Remedy.Of(UserInput.Models)} ('alc registry list').");

        var arms = experiment?.Arms.ToDictionary(a => a.Model) ?? [];
        var list = new JsonArray();
        foreach (var m in chosen.Where(m => m.Kind == ModelEntry.KindLlm))
        {
            var package = m.ArtifactWithRole(ArtifactRole.Package);
            var record = new JsonObject
            {
                ["model_id"] = m.Name,
                ["model_lib"] = m.Model.ModelLib,
                ["estimated_vram_bytes"] = m.Model.EstimatedVramBytes,
            };
            record["ava_name"] = m.Name;
            if (selection.LocalPaths) record["ava_model_path"] = $"models/llm/{m.Name}";
            record["ava_quantization"] = m.Quantization.Name;
            record["ava_experimental"] = m.Quantization.Experimental;
            record["ava_context_window_size"] = m.Model.ContextWindowSize;
            if (package is not null) record["ava_package"] = File(package);
            if (arms.TryGetValue(m.Name, out var arm))
            {
                record["ava_role"] = arm.Role.ToString().ToLowerInvariant();
                record["ava_weight"] = arm.Weight;
            }
            list.Add((JsonNode)record); // the JsonNode overload: Add<T> would box the node as a value (reflection, not AOT-safe)
        }

        var nlu = new JsonArray();
        foreach (var m in chosen.Where(m => m.Kind == ModelEntry.KindOnnxEmbedding))
        {
            var model = m.ArtifactWithRole(ArtifactRole.Model)!;
            var vocab = m.ArtifactWithRole(ArtifactRole.Vocab);
            nlu.Add((JsonNode)new JsonObject
            {
                ["ava_name"] = m.Name,
                ["model"] = File(model),
                ["vocab"] = vocab is null ? null : File(vocab),
                ["dimensions"] = m.Model.Dimensions,
                ["max_tokens"] = m.Model.ContextWindowSize,
                ["quantization"] = m.Quantization.Name,
            });
        }

        var ava = new JsonObject { ["schema"] = Schema, ["nlu_list"] = nlu };
        if (experiment is not null)
            ava["experiment"] = new JsonObject
            {
                ["id"] = experiment.Id,
                ["status"] = experiment.Status.ToString().ToLowerInvariant(),
                ["start_date"] = experiment.StartDate,
                ["metrics"] = new JsonArray(experiment.Metrics.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            };
        return new JsonObject { ["model_list"] = list, ["ava"] = ava };
    }

    /// <summary>A file the app fetches or finds: its path under dist/ (= under the app's model root) and, once published, its URL.</summary>
    private static JsonObject File(EntryArtifact a)
    {
        var o = new JsonObject { ["file"] = a.File, ["path"] = a.Path, ["size"] = a.Size, ["sha256"] = a.Sha256 };
        if (a.ReleaseUrl is { } url) o["url"] = url;
        return o;
    }
}
