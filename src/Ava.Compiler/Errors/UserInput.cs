namespace Ava.Compiler.Errors;

/// <summary>
/// An input a remedy may send the user back to, named by what it is. The core never spells a shell's option: a fix
/// text says "pass a complete model folder as the source" and carries <see cref="Remedy.Of"/>; each shell renders the
/// mark in its own words (the CLI <c>(--source SOURCE)</c>, the Action <c>(input 'source')</c>, or nothing where the
/// shell has no such input).
/// </summary>
public enum UserInput
{
    /// <summary>Where the model comes from: the Hub, a local model folder or an .onnx file.</summary>
    Source,

    /// <summary>The vocabulary file of a local embedding model.</summary>
    Vocab,

    /// <summary>The context window size in tokens.</summary>
    Context,

    /// <summary>The weight quantization.</summary>
    Quantization,

    /// <summary>The device target.</summary>
    Target,

    /// <summary>The resumable build folder.</summary>
    BuildFolder,

    /// <summary>Where artifacts are published (dist/).</summary>
    OutputFolder,

    /// <summary>The model registry folder.</summary>
    Registry,

    /// <summary>AVA's runtime files (the app's jniLibs folder or the runtime libraries) the model is checked against.</summary>
    Runtime,

    /// <summary>The app (jniLibs folder, tvm4j jar, .aar or .apk) whose call chain is checked.</summary>
    App,

    /// <summary>The NDK sysroot library folder (libc.so, libm.so, libdl.so, liblog.so).</summary>
    SystemLibs,

    /// <summary>An ld.lld for the link proof.</summary>
    Linker,

    /// <summary>The Android NDK root folder.</summary>
    Ndk,

    /// <summary>The llvm-config of the pinned LLVM.</summary>
    LlvmConfig,

    /// <summary>The toolchain's Python interpreter or venv.</summary>
    Python,

    /// <summary>The TVM source checkout.</summary>
    TvmSource,

    /// <summary>The TVM build folder (libtvm, libtvm_runtime).</summary>
    TvmBuild,

    /// <summary>The MLC-LLM checkout.</summary>
    MlcLlm,

    /// <summary>The toolchain config file.</summary>
    ToolchainConfig,

    /// <summary>The models of an app config, by name.</summary>
    Models,

    /// <summary>The A/B experiment of an app config.</summary>
    Experiment,

    /// <summary>The folder holding built packages.</summary>
    DistFolder,

    /// <summary>Which files of a Hub repo to fetch.</summary>
    Include,

    /// <summary>The Hub revision (branch, tag or commit).</summary>
    Revision,

    /// <summary>A folder to copy fetched files into (real files, not cache links).</summary>
    LocalDir,
}

/// <summary>
/// Marks in a core text that stand for an input, and their rendering. A mark is <c>⟨name⟩</c> placed right after the
/// words that describe the input; <see cref="Render"/> replaces it by " (" + the shell's spelling + ")", or drops it
/// when the shell has no such input (<see cref="Neutral"/> drops every mark).
/// </summary>
public static class Remedy
{
    private const char Open = '⟨', Close = '⟩';

    /// <summary>The mark for an input, e.g. <c>⟨source⟩</c>.</summary>
    public static string Of(UserInput input) => $"{Open}{Name(input)}{Close}";

    /// <summary>The input's name in marks (kebab-case): <c>system-libs</c>.</summary>
    public static string Name(UserInput input) =>
        string.Concat(input.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>The inputs a text marks, in order.</summary>
    public static IEnumerable<UserInput> InputsIn(string? text)
    {
        if (text is null) yield break;
        for (var at = text.IndexOf(Open); at >= 0; at = text.IndexOf(Open, at + 1))
        {
            var end = text.IndexOf(Close, at);
            if (end < 0) yield break;
            if (Parse(text[(at + 1)..end]) is { } input) yield return input;
        }
    }

    /// <summary>The text with each mark spelled by <paramref name="spell"/> (null: the shell has no such input).</summary>
    public static string Render(string text, Func<UserInput, string?> spell)
    {
        if (text.IndexOf(Open) < 0) return text;
        var sb = new System.Text.StringBuilder(text.Length + 16);
        var i = 0;
        while (i < text.Length)
        {
            var at = text.IndexOf(Open, i);
            var end = at < 0 ? -1 : text.IndexOf(Close, at);
            if (at < 0 || end < 0 || Parse(text[(at + 1)..end]) is not { } input)
            {
                var stop = at < 0 || end < 0 ? text.Length : end + 1;
                sb.Append(text, i, stop - i);
                i = stop;
                continue;
            }
            sb.Append(text, i, at - i);
            if (spell(input) is { Length: > 0 } words) sb.Append(" (").Append(words).Append(')');
            i = end + 1;
        }
        return sb.ToString();
    }

    /// <summary>The text as the core's own files print it: every mark dropped.</summary>
    public static string Neutral(string text) => Render(text, _ => null);

    private static UserInput? Parse(string name) =>
        Enum.GetValues<UserInput>().Cast<UserInput?>().FirstOrDefault(u => Name(u!.Value) == name);
}
