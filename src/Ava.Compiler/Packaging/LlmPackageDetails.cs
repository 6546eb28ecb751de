using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ava.Compiler.Packaging;

/// <summary>
/// The <c>details</c> of an <c>.ALM</c>'s <c>alc-manifest.json</c>: what was built from what, written by the package stage
/// and read back by the registry. Fields are nullable so that a manifest written by hand or by an older alc reads, and
/// the registry can name the missing field (<c>details.modelType</c>) instead of failing on the whole object.
/// </summary>
public sealed record LlmPackageDetails(
    string? Recipe,
    string? Quantization,
    string? ModelType,
    string? ModelLib,
    string? SystemLibPrefix,
    PackageSource? Source,
    int? ContextWindowSize,
    long? VocabSize,
    long? EstimatedVramBytes,
    long? PlannedVramBytes,
    MetadataMemory? MemoryFromMetadata,
    MetadataSummary? Metadata,
    PackageToolchain? Toolchain,
    LlmVerificationSummary? Verification)
{
    /// <summary>The details as the manifest stores them (key order and nulls as alc has always written them).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, PackagingJsonContext.Default.LlmPackageDetails)!.AsObject();

    /// <summary>Reads a manifest's details; a value of the wrong JSON type is a <see cref="JsonException"/>.</summary>
    public static LlmPackageDetails From(JsonObject? details) =>
        details?.Deserialize(PackagingJsonContext.Default.LlmPackageDetails) ?? Empty;

    private static readonly LlmPackageDetails Empty = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
}

/// <summary>Where the weights came from: the recipe's Hub repository, and the commit when they were fetched from it.</summary>
public sealed record PackageSource(string? Repo, SourceOrigin? Origin, string? Commit);

/// <summary>How the model's files reached the build.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceOrigin>))]
public enum SourceOrigin
{
    /// <summary>Fetched from the Hugging Face Hub at a resolved commit.</summary>
    [JsonStringEnumMemberName("huggingface")]
    HuggingFace,

    /// <summary>A folder given with --source (the Action's <c>source</c> input): there is no Hub commit to record.</summary>
    [JsonStringEnumMemberName("local folder")]
    LocalFolder,
}

/// <summary>MLC's memory estimate read from the library's metadata (the package proof).</summary>
public sealed record MetadataMemory(long ParamBytes, long TemporaryBytes, string? TemporaryFunction, long KvCacheBytes, long KvTokens);

/// <summary>What the library's metadata says it was compiled for (the package proof checked it against weights and config).</summary>
public sealed record MetadataSummary(string ModelType, string Quantization, long ContextWindowSize, long PrefillChunkSize, long SlidingWindowSize,
    int ParamCount);

/// <summary>The toolchain pins the model was compiled with (from <c>toolchain.lock.json</c>).</summary>
public sealed record PackageToolchain(string? Tvm, string? TvmCommit, string? TvmFfi, string? MlcLlmCommit, string? AbiProfile);

/// <summary>The verify stage's verdict on the compiled library, kept in the manifest and in the compile report.</summary>
public sealed record LlmVerificationSummary(
    string Verdict,
    string Generation,
    string Abi,
    string Runtime,
    IReadOnlyList<string> RuntimeSources,
    IReadOnlyList<string> SystemLibs,
    string? ModelLib,
    int Objects,
    int Warnings,
    LinkProofSummary LinkProof,
    AppChainCheck? AppChain = null);

/// <summary>Whether the NDK's ld.lld linked the library, with which linker and NDK, or why it was skipped.</summary>
public sealed record LinkProofSummary(bool Performed, bool Linked, string? Linker, string? NdkRevision, string? Note);

/// <summary>
/// The app's runtime chain as the verify stage left it: <c>proven</c> (every link of tvm4j jar → JNI bridge → runtime →
/// this library resolved) or <c>not-checked</c> (no app configured; <paramref name="Note"/> says how to configure one).
/// A broken or unprovable chain stops the build, so it never reaches a package.
/// </summary>
/// <param name="App">The app's paths as reports show them (file or folder names).</param>
/// <param name="Api">The tvm4j API its classes declare, e.g. "the v0.22 API (…)".</param>
public sealed record AppChainCheck(string Status, IReadOnlyList<string> App, string? Api, IReadOnlyList<AppChainLinkSummary> Links, string? Note);

/// <param name="Link">jar-bridge, bridge-runtime or runtime-model.</param>
/// <param name="Status">ok, failed or unproven.</param>
public sealed record AppChainLinkSummary(string Link, string Status, string From, string To, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LlmPackageDetails))]
internal sealed partial class PackagingJsonContext : JsonSerializerContext;
