using System.Text.Json.Serialization;
using Ava.Compiler.Onnx;

namespace Ava.Compiler.Pipeline.Aon;

// What each .AON stage keeps in its stamp (camelCase JSON in this property order, nulls written: the bytes alc has
// always written, so stamps of earlier runs still read and packages stay byte-identical).

/// <summary>The aon-fetch stage: where the FP32 model came from and the hashes of the model and vocabulary.</summary>
public sealed record AonSource(string Origin, string Source, long ModelBytes, string ModelSha256, string VocabSha256);

/// <summary>The aon-quantize stage's counts (no timing: they reach the manifest and the registry entry).</summary>
public sealed record AonQuantization(int MatMulsQuantized, int MatMulsLeftFloat, int GathersQuantized, int GemmsQuantized,
    int ActivationQuantizers, long WeightsQuantized, bool PerChannel, bool ReduceRange, bool GatherTables);

/// <summary>The aon-package stage's <c>.AON</c> file.</summary>
public sealed record AonArtifact(string Artifact, long Bytes, string Sha256, string XxHash128);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AonSource))]
[JsonSerializable(typeof(AonQuantization))]
[JsonSerializable(typeof(ValidationSummary))]
[JsonSerializable(typeof(AonArtifact))]
internal sealed partial class AonJsonContext : JsonSerializerContext;
