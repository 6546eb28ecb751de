using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Verification;

/// <summary>
/// The symbols something outside the model library provides: the TVM runtime (given shared objects, or the profile's
/// declared export list) and, optionally, the Android system libraries of an NDK sysroot.
/// </summary>
internal sealed record RuntimeSurface(HashSet<string> TvmExports, IReadOnlyList<string> TvmSources, HashSet<string>? SystemExports, IReadOnlyList<string> SystemSources)
{
    /// <summary>The runtime set the TVM exports came from; null when they are the profile's list.</summary>
    public Runtime.RuntimeSet? Set { get; init; }

    /// <summary>Why the runtime lacks a symbol when its whole part is missing (" (… they live in libtvm_ffi.so …)"), else "".</summary>
    public string WhyMissing(string symbol) => Set?.WhyMissing(symbol, Generation) ?? "";

    /// <summary>The input the runtime was given as, for fixes.</summary>
    public Errors.UserInput Input => Set?.Input ?? Errors.UserInput.Runtime;

    /// <summary>The runtime as messages name it: the files actually given, else the profile's runtime.</summary>
    public string Named(AbiProfile profile) =>
        Set is null ? $"the runtime ({profile.Runtime})" : $"the runtime {string.Join(" + ", Set.Members.Select(m => m.Display))} ({profile.Runtime} expected)";

    /// <summary>"the runtime X does not export S" — or, when a given file of another generation does, that AVA's does not.</summary>
    public string NotExporting(string symbol, AbiProfile profile) =>
        Set?.ExporterOf(symbol) is { } m
            ? $"{m.Display} exports {symbol}, but it is a {m.Generation.Label} runtime: AVA's runtime ({profile.Runtime}) does not export {symbol}"
            : $"{Named(profile)} does not export {symbol}";

    /// <summary>The profile's generation (v0.22): a runtime member of another one explains every missing name.</summary>
    public string? Generation { get; init; }

    public static RuntimeSurface Load(Runtime.RuntimeSet? runtime, string? systemLibs, string? systemLibsDisplay, AbiProfile profile)
    {
        HashSet<string> tvm;
        List<string> tvmSources = [];
        if (runtime is null)
        {
            tvm = profile.RuntimeExports.ToHashSet(StringComparer.Ordinal);
            tvmSources.Add($"the {profile.Id} profile's export list ({profile.RuntimeExports.Count} symbols)");
        }
        else
        {
            // Every member together: a standard build's libtvm_runtime.so + libtvm_ffi.so, or one packed library.
            tvm = new HashSet<string>(runtime.Exports, StringComparer.Ordinal);
            tvmSources.AddRange(runtime.Members.Select(m => m.Display));
        }

        if (systemLibs is null) return new RuntimeSurface(tvm, tvmSources, null, []) { Set = runtime, Generation = profile.Generation };
        if (!Directory.Exists(systemLibs))
            throw new BadInputException($"The system library folder {systemLibsDisplay}{Remedy.Of(UserInput.SystemLibs)} is not a folder.",
                "Pass the NDK sysroot lib folder for your API level, e.g. $ANDROID_NDK/toolchains/llvm/prebuilt/linux-x86_64/sysroot/usr/lib/aarch64-linux-android/24.");
        var system = new HashSet<string>(StringComparer.Ordinal);
        var sources = new List<string>();
        foreach (var name in VerifyOptions.SystemLibraryNames)
        {
            var file = Path.Combine(systemLibs, name);
            if (!File.Exists(file)) continue;
            var obj = ReadShared(new VerifyInput(file, Path.Combine(systemLibsDisplay ?? systemLibs, name)), $"The system library{Remedy.Of(UserInput.SystemLibs)}", "Pass an NDK sysroot lib folder whose libc.so, libm.so, libdl.so and liblog.so are ELF shared objects.");
            system.UnionWith(obj.Exports.Select(s => s.Name));
            sources.Add(name);
        }
        if (sources.Count == 0)
            throw new BadInputException($"The system library folder {systemLibsDisplay}{Remedy.Of(UserInput.SystemLibs)} holds none of {string.Join(", ", VerifyOptions.SystemLibraryNames)}.",
                "Pass the NDK sysroot lib folder for your API level, e.g. $ANDROID_NDK/toolchains/llvm/prebuilt/linux-x86_64/sysroot/usr/lib/aarch64-linux-android/24.");
        return new RuntimeSurface(tvm, tvmSources, system, sources) { Set = runtime, Generation = profile.Generation };
    }

    private static BinaryObject ReadShared(VerifyInput input, string option, string fix)
    {
        var obj = ArtifactReader.ReadObject(input.Path, input.Display);
        if (obj.Kind != ObjectKind.SharedLibrary)
            throw new BadInputException($"{option} {input.Display} is {Article(obj.Describe())}, not a shared library.", fix);
        return obj;
    }

    private static string Article(string s) => ("aeiouAEIOU".Contains(s[0]) ? "an " : "a ") + s;
}
