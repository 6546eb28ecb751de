namespace Ava.Compiler.Hashing;

/// <summary>The two content hashes alc records for a file: XxHash128 for fast change detection, SHA-256 for publishing.</summary>
/// <param name="Size">Length in bytes.</param>
/// <param name="XxHash128">Lower-case hex, 32 characters (canonical big-endian form, as <c>xxhsum -H128</c> prints it).</param>
/// <param name="Sha256">Lower-case hex, 64 characters.</param>
public sealed record FileDigest(long Size, string XxHash128, string Sha256);
