using Ava.Action.Runner;
using Ava.Compiler.Errors;
using Ava.Compiler.Registry;

namespace Ava.Action;

/// <summary>
/// The action's inputs (action.yml), read once through the runner protocol and checked together, so a bad
/// combination fails before anything is built or uploaded.
/// </summary>
public sealed record ActionInputs
{
    /// <summary>How messages name the 'app' input.</summary>
    public const string AppInputName = "'app' input";

    public string? Model { get; init; }
    public string Target { get; init; } = "android";
    public string? Quantization { get; init; }

    /// <summary>A local model folder (LLM) or .onnx file (embedding) instead of the recipe's Hub repository; "hf" = the Hub.</summary>
    public string? Source { get; init; }

    /// <summary>The app whose runtime chain is proven (jniLibs folder and jar, .aar or .apk); empty = not checked.</summary>
    public IReadOnlyList<string> App { get; init; } = [];

    public bool SkipDoctor { get; init; }

    /// <summary>Skip only the toolchain smoke test (alc doctor --smoke) the compile runs before its download.</summary>
    public bool SkipSmoke { get; init; }
    public string WorkingDirectory { get; init; } = ".";
    public IReadOnlyList<string> Artifacts { get; init; } = [];
    public IReadOnlyList<string> RegistryFiles { get; init; } = [];
    public IReadOnlyList<string> Reports { get; init; } = [];
    public bool Publish { get; init; }
    public string? ReleaseTag { get; init; }
    public string RegistryBranch { get; init; } = "registry";
    public string? Repository { get; init; }
    public string GitHubToken { get; init; } = "";

    /// <summary>actions/attest-build-provenance's attestation-id and attestation-url, recorded in the published entries.</summary>
    public EntryAttestation? Attestation { get; init; }

    public string HfToken { get; init; } = "";

    /// <summary>Tokens are read (and masked by the caller) before any other input, so nothing can echo them first.</summary>
    public static (string GitHub, string Hf) ReadTokens(ActionCore core) =>
        (core.GetInput("github-token"), core.GetInput("hf-token"));

    public static ActionInputs Read(ActionCore core)
    {
        var (gh, hf) = ReadTokens(core);
        var env = core.Environment;
        var publishRaw = core.GetInput("publish");
        var inputs = new ActionInputs
        {
            GitHubToken = gh,
            HfToken = hf,
            Model = NullIfEmpty(core.GetInput("model")),
            Target = NullIfEmpty(core.GetInput("target")) ?? "android",
            Quantization = NullIfEmpty(core.GetInput("quantization")),
            Source = NullIfEmpty(core.GetInput("source")),
            App = core.GetMultilineInput("app"),
            SkipDoctor = core.GetInput("skip-doctor").Length > 0 && core.GetBooleanInput("skip-doctor"),
            SkipSmoke = core.GetInput("skip-smoke").Length > 0 && core.GetBooleanInput("skip-smoke"),
            WorkingDirectory = NullIfEmpty(core.GetInput("working-directory")) ?? ".",
            Artifacts = core.GetMultilineInput("artifacts"),
            RegistryFiles = core.GetMultilineInput("registry-files"),
            Reports = core.GetMultilineInput("reports"),
            Publish = publishRaw.Length > 0 && core.GetBooleanInput("publish"),
            // On a tag push the tag is the natural release; otherwise it must be given.
            ReleaseTag = NullIfEmpty(core.GetInput("release-tag"))
                         ?? (env.GetValueOrDefault("GITHUB_REF_TYPE") == "tag" ? NullIfEmpty(env.GetValueOrDefault("GITHUB_REF_NAME") ?? "") : null),
            RegistryBranch = NullIfEmpty(core.GetInput("registry-branch")) ?? "registry",
            Repository = NullIfEmpty(core.GetInput("repository")) ?? NullIfEmpty(env.GetValueOrDefault("GITHUB_REPOSITORY") ?? ""),
            Attestation = ReadAttestation(core),
        };
        inputs.Check();
        if (!inputs.Publish && inputs.Attestation is not null)
        {
            // The attestation is recorded only in the entries a publishing run commits; dropping it silently would
            // leave a caller believing its provenance was recorded.
            core.Warning("'attestation-id' and 'attestation-url' only apply when publishing ('publish: true'): nothing is published in this run, so they were not recorded anywhere.");
            return inputs with { Attestation = null };
        }
        return inputs;
    }

    private void Check()
    {
        if (Model is null && Artifacts.Count == 0 && RegistryFiles.Count == 0)
            throw new BadInputException("The action was given none of 'model', 'artifacts' or 'registry-files', so there is nothing to build or publish.",
                "Set 'model' to a recipe id (e.g. gemma3-4b) to compile it, or 'artifacts' to the .ALM/.AON files an earlier step built.");
        if (!Publish) return;
        // A release is only needed for files; registry-only publishing (an A/B entry) commits to the branch alone.
        if (ReleaseTag is null && (Model is not null || Artifacts.Count > 0))
            throw new BadInputException("'publish' is true but no release tag is known.",
                "Set 'release-tag' (e.g. models-v1), or run the workflow on a tag push.");
        if (GitHubToken.Length == 0)
            throw new BadInputException("'publish' is true but 'github-token' is empty.",
                "Pass github-token: ${{ github.token }} and give the job 'permissions: contents: write'.");
        if (Repository is null)
            throw new BadInputException("'publish' is true but the repository is unknown.",
                "Set 'repository' to owner/name (the runner normally sets GITHUB_REPOSITORY).");
    }

    private static EntryAttestation? ReadAttestation(ActionCore core)
    {
        var (id, url) = (core.GetInput("attestation-id"), core.GetInput("attestation-url"));
        if (id.Length == 0 && url.Length == 0) return null;
        if (id.Length == 0 || url.Length == 0)
            throw new BadInputException($"Only one of 'attestation-id' and 'attestation-url' was given ({(id.Length == 0 ? "the id" : "the url")} is empty).",
                "Pass both outputs of the attest step: attestation-id: ${{ steps.attest.outputs.attestation-id }} and attestation-url: ${{ steps.attest.outputs.attestation-url }}.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[0-9A-Za-z_-]+$"))
            throw new BadInputException($"'attestation-id' is '{id}', not an attestation id.", "Pass the attest step's attestation-id output unchanged.");
        if (!url.StartsWith("https://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out _))
            throw new BadInputException($"'attestation-url' is '{url}', not an https URL.", "Pass the attest step's attestation-url output unchanged.");
        return new EntryAttestation(id, url);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
