using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ava.Compiler.Packaging;
using Ava.Compiler.Planning;

namespace Ava.Compiler.Pipeline.Llm;

// What each LLM stage keeps in its stamp (camelCase JSON, in this property order; the bytes are what alc has always
// written, so stamps of earlier runs still read and builds stay byte-identical).

/// <summary>The resolve stage's <c>build-plan.json</c>: what is being built.</summary>
public sealed record BuildPlan(string Recipe, string AvaName, string Code, string Size, string Quantization, string ModelType,
    string ConvTemplate, string SystemLibPrefix, string ModelLib, string Source, BuildPlanToolchain Toolchain);

public sealed record BuildPlanToolchain(string Tvm, string TvmFfi, string MlcLlm, string AbiProfile);

/// <summary>The fetch stage's model folder; for the Hub also the repository, revision and the commit it resolved to.</summary>
public sealed record FetchResult(
    string ModelDirectory,
    SourceOrigin Origin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Repo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Revision = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Commit = null);

/// <summary>The convert stage's weight shards.</summary>
public sealed record ConvertResult(int Shards, long Bytes, long PeakMemoryBytes);

/// <summary>The configure stage's memory plan and what <c>mlc_llm gen_config</c> wrote.</summary>
public sealed record ConfigureResult(MemoryPlan Plan, int ContextWindowSize, long? VocabSize, IReadOnlyList<string>? TokenizerFiles);

/// <summary>The compile stage's tar (file name in its folder) and the system-lib prefix it was built with.</summary>
public sealed record CompileResult(string Tar, string SystemLibPrefix);

/// <summary>
/// The package stage's model folder and <c>.ALM</c>, hashed while written (the hashes are null in a stamp from an alc that
/// did not hash on the way out; the registry then hashes the file).
/// </summary>
public sealed record PackageResult(string Folder, string Package, long PackageBytes, string? PackageXxHash128, string? PackageSha256,
    int Files, long ModelBytes, PackageMemory? Memory);

/// <summary>
/// The package proof's memory from the library's metadata (MLC's estimated_vram_bytes and its parts) beside the
/// planner's figure from before compiling (null when the library's metadata has no parameter bytes).
/// </summary>
public sealed record PackageMemory(long EstimatedVramBytes, long ParamBytes, long TemporaryBytes, string? TemporaryFunction,
    long KvCacheBytes, long KvTokens, long? PlannedVramBytes, long? DifferenceBytes);


[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BuildPlan))]
[JsonSerializable(typeof(MemoryPlan))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(FetchResult))]
[JsonSerializable(typeof(ConvertResult))]
[JsonSerializable(typeof(ConfigureResult))]
[JsonSerializable(typeof(CompileResult))]
[JsonSerializable(typeof(LlmVerificationSummary))]
[JsonSerializable(typeof(PackageResult))]
[JsonSerializable(typeof(PackageMemory))]
internal sealed partial class LlmJsonContext : JsonSerializerContext;

/// <summary>
/// Writes a stage's result inside another document (the compile report, <c>--json</c>) exactly as the stage's stamp
/// holds it, nulls included, whatever the options of the document around it.
/// </summary>
public sealed class StampContract<T> : JsonConverter<T> where T : class
{
    private static readonly JsonTypeInfo<T> Contract = (JsonTypeInfo<T>)LlmJsonContext.Default.GetTypeInfo(typeof(T))!;

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, Contract);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, Contract);
}
