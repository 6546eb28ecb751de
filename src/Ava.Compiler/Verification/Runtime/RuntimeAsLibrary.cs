using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Verification.Runtime;

/// <summary>
/// Recognises a TVM runtime passed where a model library belongs (a PATH of <c>alc verify</c>): a shared library that
/// exports TVM functions (TVMFFIFunctionCall, TVMBackendGetFuncFromEnv, TVMFuncCall...) is the runtime model
/// libraries call into, never a model library (those only reference them, or hold <c>__TVM*</c> slots). Bad input,
/// exit 2, with the option that takes it.
/// </summary>
public static class RuntimeAsLibrary
{
    public static void ThrowIfRuntime(VerifyInput library, IReadOnlyList<ArtifactEntry> entries, UserInput given = UserInput.Runtime)
    {
        foreach (var e in entries)
        {
            if (e.Object is not { Kind: ObjectKind.SharedLibrary } o) continue;
            var tvm = o.Exports.Select(s => s.Name).Where(n => n.StartsWith("TVM", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (tvm.Count == 0) continue;
            var shown = e.Path == library.Display ? library.Display : $"{e.Path} (in {library.Display})";
            var sample = string.Join(", ", tvm.Where(n => n is "TVMFFIFunctionCall" or "TVMBackendGetFuncFromEnv" or "TVMFuncCall").DefaultIfEmpty(tvm[0]));
            throw new BadInputException(
                $"{shown} is a TVM runtime, not a model library: it exports {tvm.Count} TVM function{(tvm.Count == 1 ? "" : "s")} ({sample}{(tvm.Count > 1 ? ", …" : "")}); it belongs with AVA's runtime files.",
                $"Pass {library.Display} as AVA's runtime{Remedy.Of(given)}, and as the model library what 'mlc_llm compile' wrote (the .tar, its lib0.o and <prefix>devc.o, or an .ALM).");
        }
    }
}
