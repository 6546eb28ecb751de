using System.Globalization;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Verification.Linking;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Whether the verify stage of a compile can run the link proof, decided from the build's configured NDK and AVA
/// runtime: the NDK's ld.lld and API-24 sysroot when both are there, otherwise the reason it is skipped (the name
/// checks then decide alone and the exit code does not change). Paths shown in reports are relative to the NDK root,
/// so the same NDK in another folder gives the same report bytes.
/// </summary>
public sealed record PipelineLinkProof
{
    /// <summary>The linker and sysroot to use; null when the proof is skipped.</summary>
    public LinkerSetup? Setup { get; private init; }

    /// <summary>Why the proof is skipped (null when it runs).</summary>
    public string? SkipReason { get; private init; }

    /// <summary>The reason in one word (no-ndk, no-runtime, bad-ndk) for the stage key and the summary.</summary>
    public string? SkipCode { get; private init; }

    /// <summary>The NDK's revision from source.properties (Pkg.Revision), when it has one.</summary>
    public string? NdkRevision { get; private init; }

    /// <summary>The linker as reports show it: <c>$NDK/toolchains/llvm/prebuilt/&lt;host&gt;/bin/ld.lld</c>.</summary>
    public string? LinkerDisplay => Setup is null || Ndk is null ? null : "$NDK/" + Path.GetRelativePath(Ndk, Setup.Linker).Replace('\\', '/');

    public string? SystemLibsDisplay => Setup is null || Ndk is null ? null : "$NDK/" + Path.GetRelativePath(Ndk, Setup.SystemLibs).Replace('\\', '/');

    private string? Ndk { get; init; }

    public static PipelineLinkProof For(LlmBuild build)
    {
        if (build.AndroidNdk is not { Length: > 0 } ndk)
            return new PipelineLinkProof
            {
                SkipCode = "no-ndk",
                SkipReason = "No Android NDK is configured (an NDK folder given to the compile, ALC_ANDROID_NDK, ANDROID_NDK_HOME or the toolchain config), so the link proof with its ld.lld was skipped; the verdict rests on the symbol-name checks.",
            };
        // The app's runtime files count as AVA's runtime: the chain proof links the library against them.
        if (build.AvaRuntime.Count == 0 && build.AvaApp.Count == 0)
            return new PipelineLinkProof
            {
                Ndk = ndk,
                SkipCode = "no-runtime",
                SkipReason = "AVA's runtime is not configured (the runtime files given to the compile, or ALC_AVA_RUNTIME: the app's jniLibs/arm64-v8a/ folder, or libtvm_runtime.so with libtvm_ffi.so, or libtvm4j_runtime_packed.so; or the whole app given to the compile, or ALC_AVA_APP), so the link proof was skipped; the verdict rests on the symbol-name checks.",
            };
        try
        {
            return new PipelineLinkProof { Ndk = ndk, Setup = LinkerSetup.FromNdk(ndk, "NDK " + ndk), NdkRevision = Revision(ndk) };
        }
        catch (BadInputException e)
        {
            // A broken NDK is for 'alc doctor' to reject; here it only means the stronger proof cannot run.
            return new PipelineLinkProof { Ndk = ndk, SkipCode = "bad-ndk", SkipReason = $"The link proof was skipped: {e.Problem} The verdict rests on the symbol-name checks ('alc doctor' checks the NDK)." };
        }
    }

    /// <summary>
    /// The linker's identity for the verify stage's key: the content of the ld.lld it runs (through symlinks), the
    /// sysroot libraries it links against, and the target; or the reason it is skipped, so configuring an NDK later
    /// reruns verify.
    /// </summary>
    public void AddTo(KeyBuilder key, HashCache cache)
    {
        if (Setup is null)
        {
            key.Add("link-proof", "skipped: " + SkipCode);
            return;
        }
        key.Add("link-proof", $"{LinkerSetup.Triple}{LinkerSetup.ApiLevel.ToString(CultureInfo.InvariantCulture)}").Add("ndk-revision", NdkRevision);
        if (File.Exists(Setup.Linker))
            key.AddFile("linker", File.ResolveLinkTarget(Setup.Linker, returnFinalTarget: true)?.FullName ?? Setup.Linker, cache);
        foreach (var lib in Verification.VerifyOptions.SystemLibraryNames)
        {
            var path = Path.Combine(Setup.SystemLibs, lib);
            key.Add("sysroot/" + lib, File.Exists(path) ? cache.Get(path).XxHash128 : "missing");
        }
    }

    private static string? Revision(string ndk)
    {
        var file = Path.Combine(ndk, "source.properties");
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var eq = line.IndexOf('=');
            if (eq > 0 && line[..eq].Trim() == "Pkg.Revision") return line[(eq + 1)..].Trim();
        }
        return null;
    }
}
