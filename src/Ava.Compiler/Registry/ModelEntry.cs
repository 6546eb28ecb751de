namespace Ava.Compiler.Registry;

/// <summary>
/// One registry entry, <c>registry/models/&lt;AVA-name&gt;.json</c> (FR-7.1–7.3): what a built artifact is, where it came
/// from, how it was built, whether it was verified and where its files are. Schema: schemas/registry-model.schema.json.
/// </summary>
public sealed record ModelEntry
{
    public const string SchemaName = "alc-registry-model/1";
    public const string KindLlm = "llm";
    public const string KindOnnxEmbedding = "onnx-embedding";

    public string Schema { get; init => field = value ?? SchemaName; } = SchemaName;

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string Code { get; init; }

    public required string Family { get; init; }

    public required string Size { get; init; }

    public required EntryQuantization Quantization { get; init; }

    public required EntryRecipe Recipe { get; init; }

    public required EntrySource Source { get; init; }

    public required EntryToolchain Toolchain { get; init; }

    public required EntryModel Model { get; init; }

    /// <summary>UTC, ISO 8601 to the second: 2026-11-26T03:00:00Z.</summary>
    public required string CompiledAt { get; init; }

    public required EntryVerification Verification { get; init; }

    public required EntryManifest Manifest { get; init; }

    /// <summary>Sorted by path.</summary>
    public required IReadOnlyList<EntryArtifact> Artifacts { get; init; }

    /// <summary>.AON only: the accuracy gate figures.</summary>
    public EntryAccuracy? Accuracy { get; init; }

    /// <summary>
    /// The build-provenance attestation GitHub made for the published artifacts (actions/attest-build-provenance's
    /// attestation-id and attestation-url), when the Action published them; verify with <c>gh attestation verify</c>.
    /// </summary>
    public EntryAttestation? Attestation { get; init; }

    /// <summary>Earlier builds this entry replaced, oldest first.</summary>
    public IReadOnlyList<EntryHistory> History { get; init => field = value ?? []; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Verified => Verification.Status == VerificationStatus.Verified;

    public EntryArtifact? ArtifactWithRole(ArtifactRole role) => Artifacts.FirstOrDefault(a => a.Role == role);

    public ModelEntry WithReleaseUrl(string file, string url) => this with
    {
        Artifacts = Artifacts.Select(a => a.File == file ? a with { ReleaseUrl = url } : a).ToList(),
    };

    public ModelEntry WithAttestation(string id, string url) => this with { Attestation = new EntryAttestation(id, url) };
}

/// <param name="Id">The attestation's id on GitHub.</param>
/// <param name="Url">Its summary page (https://github.com/OWNER/REPO/attestations/ID).</param>
public sealed record EntryAttestation(string Id, string Url);

public sealed record EntryQuantization(string Name, bool Experimental, string? Note = null);

public sealed record EntryRecipe(string Name, string Sha256);

public sealed record EntrySource(string Repo, string Commit, string? Revision = null);

public sealed record EntryToolchain
{
    public string? TvmVersion { get; init; }
    public string? TvmCommit { get; init; }
    public string? TvmFfiVersion { get; init; }
    public string? MlcLlmCommit { get; init; }
    public string? AbiProfile { get; init; }
    public string? OnnxRuntimeVersion { get; init; }
}

public sealed record EntryModel
{
    public required int ContextWindowSize { get; init; }
    public int? PrefillChunkSize { get; init; }
    public int? SlidingWindowSize { get; init; }
    public required int VocabSize { get; init; }
    public long? EstimatedVramBytes { get; init; }
    public string? ModelLib { get; init; }
    public string? SystemLibPrefix { get; init; }
    public int? Dimensions { get; init; }
}

public enum VerificationStatus { Verified, Rejected }

public sealed record EntryVerification(VerificationStatus Status, string ReportSha256, string? Generation = null, string? Abi = null);

public sealed record EntryManifest(string Path, string Sha256);

public enum ArtifactRole { Package, HostLibrary, DeviceLibrary, Model, Vocab }

/// <param name="Path">Relative to the dist folder, '/' separated.</param>
public sealed record EntryArtifact(string File, string Path, ArtifactRole Role, long Size, string Sha256, string XxHash128, string? ReleaseUrl = null);

public sealed record EntryAccuracy(double MeanCosine, double MinCosine, double RequiredMeanCosine, double RequiredMinCosine, int Sentences, bool SignatureIdentical, double? SizeRatio = null);

public sealed record EntryHistory(string CompiledAt, string ReplacedAt, string ManifestSha256, VerificationStatus Verification, IReadOnlyList<EntryHistoryArtifact> Artifacts);

public sealed record EntryHistoryArtifact(string File, string Sha256);
