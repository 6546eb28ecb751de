using System.Text.Json.Serialization;

namespace Ava.Compiler.Verification;

/// <summary>
/// Compile-time JSON metadata for the verification report (the shape policy stays in
/// <see cref="VerificationReport.JsonOptions"/>): no reflection-emitted accessors to JIT on every <c>alc verify --json</c>.
/// </summary>
[JsonSerializable(typeof(VerificationResult))]
internal sealed partial class VerificationJsonContext : JsonSerializerContext;
