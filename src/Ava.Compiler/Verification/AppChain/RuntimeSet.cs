namespace Ava.Compiler.Verification.AppChain;

/// <summary>The libraries a JNI bridge resolves its TVM imports in.</summary>
internal static class RuntimeSet
{
    /// <summary>Every app library exporting TVM symbols (a packed bridge counts itself).</summary>
    public static IReadOnlyList<AppLibrary> For(IReadOnlyList<AppLibrary> bridges, IReadOnlyList<AppLibrary> libraries) =>
        libraries.Where(l => l.Object.Exports.Any(s => BridgeToRuntime.IsTvm(s.Name) && !s.Name.StartsWith("Java_", StringComparison.Ordinal))).ToList();
}
