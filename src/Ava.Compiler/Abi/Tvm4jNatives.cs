namespace Ava.Compiler.Abi;

/// <summary>
/// abi/tvm4j-natives.json: the native methods tvm4j's Java classes declare at each TVM tag, each with the upstream line
/// that declares it and the line of the JNI bridge function implementing it. The app chain proof compares an app's jar
/// with these lists to name its API generation, and a bridge's exports to name the bridge's.
/// </summary>
public sealed record Tvm4jNatives(IReadOnlyList<Tvm4jGeneration> Generations)
{
    public const string FileName = "tvm4j-natives.json";
}

/// <param name="Id">The TVM tag, e.g. v0.22.0.</param>
/// <param name="Label">How the report names this API (e.g. "the v0.22 API (tvm-ffi names: ...)").</param>
/// <param name="FirstCalls">Natives the app calls first, in order; the headline names the first one that cannot resolve.</param>
public sealed record Tvm4jGeneration(string Id, string Commit, string Label, IReadOnlyList<Tvm4jNative> Natives, IReadOnlyList<Tvm4jFirstCall> FirstCalls)
{
    /// <summary>"v0.22" from "v0.22.0": how the user names a TVM release.</summary>
    public string ShortId => Id.Count(c => c == '.') == 2 && Id.EndsWith(".0", StringComparison.Ordinal) ? Id[..^2] : Id;
}

/// <param name="Class">Binary class name with dots, e.g. org.apache.tvm.LibInfo.</param>
/// <param name="Descriptor">The JVM method descriptor, e.g. (Ljava/lang/String;)I.</param>
/// <param name="Source">repo@commit:path:line of the Java declaration.</param>
/// <param name="BridgeSource">repo@commit:path:line of the JNI function in org_apache_tvm_native_c_api.cc.</param>
public sealed record Tvm4jNative(string Class, string Name, string Descriptor, string Source, string BridgeSource);

public sealed record Tvm4jFirstCall(string Name, string Why, string Source);
