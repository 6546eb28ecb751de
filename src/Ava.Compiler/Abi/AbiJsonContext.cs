using System.Text.Json.Serialization;

namespace Ava.Compiler.Abi;

/// <summary>
/// Compile-time JSON metadata for the ABI files: every <c>alc verify</c> loads a profile and the generation table, and
/// reflection-based metadata costs more start-up time (JIT-compiled accessors) than the verification of a small library.
/// </summary>
[JsonSerializable(typeof(AbiProfile))]
[JsonSerializable(typeof(GenerationTable))]
[JsonSerializable(typeof(TargetFile))]
[JsonSerializable(typeof(Tvm4jNatives))]
[JsonSerializable(typeof(RuntimeLayout))]
internal sealed partial class AbiJsonContext : JsonSerializerContext;
