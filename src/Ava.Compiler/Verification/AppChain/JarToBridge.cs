using Ava.Compiler.Errors;
using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Jvm;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// Link 1, jar → JNI bridge: every native method the tvm4j classes declare must be exported by one of the app's
/// shared libraries under the short or the long JNI name, or the VM throws UnsatisfiedLinkError on the first call.
/// </summary>
internal static class JarToBridge
{
    public const string Kind = "jar-bridge";
    private const string JniPrefix = "Java_org_apache_tvm_";
    private const string OnLoad = "JNI_OnLoad";

    public sealed record Outcome(JavaApi Api, IReadOnlyList<AppLibrary> Bridges, IReadOnlyDictionary<AppLibrary, string> BridgeGenerations, ChainLink Link);

    public static Outcome Run(AppContents app, Tvm4jNatives table)
    {
        var exports = app.Libraries.ToDictionary(l => l, l => l.Object.Exports.Select(s => s.Name).ToHashSet(StringComparer.Ordinal));
        var bridges = app.Libraries.Where(l => exports[l].Any(n => n.StartsWith(JniPrefix, StringComparison.Ordinal) || n == OnLoad)).ToList();
        var bridgeGenerations = bridges.ToDictionary(b => b, b => BridgeGeneration(exports[b], table));

        var natives = app.Natives.Select(n =>
        {
            var by = app.Libraries.FirstOrDefault(l => exports[l].Contains(n.ShortSymbol) || exports[l].Contains(n.LongSymbol));
            return new NativeMethodResult(n.Class, n.Name, n.Descriptor, n.ShortSymbol, n.LongSymbol, by?.Path, n.Source);
        }).ToList();
        var (apiGen, apiLabel) = ApiGeneration(app.Natives, table);
        var api = new JavaApi(apiGen?.Id, apiLabel, app.ClassSources, natives);
        var jarName = app.ClassSources.Count > 0 ? TopFile(app.ClassSources[0]) : "the app's classes";
        var from = apiGen is null ? jarName : $"{jarName} ({apiGen.ShortId} API)";
        var bridgeNames = bridges.Count == 0 ? "JNI bridge" : string.Join(" + ", bridges.Select(b => b.FileName));

        if (app.Natives.Count == 0)
            return new Outcome(api, bridges, bridgeGenerations, Link(from, bridgeNames, LinkStatus.Unproven,
                $"No {AppContents.Tvm4jPackage} class with native methods was found in {string.Join(", ", app.ClassSources.DefaultIfEmpty("the app's paths"))}, so the names the VM looks up are unknown.",
                "no-tvm4j-classes", $"Pass the tvm4j jar (tvm4j_core.jar), the .aar or the built .apk as part of the app{Remedy.Of(UserInput.App)}, as well as the jniLibs folder."));

        var missing = natives.Where(n => n.ExportedBy is null).ToList();
        if (missing.Count == 0)
        {
            var where = natives.Select(n => n.ExportedBy!).Distinct().Select(TopFile);
            return new Outcome(api, bridges, bridgeGenerations, Link(from, bridgeNames, LinkStatus.Ok,
                $"All {natives.Count} native methods of {apiLabelShort(apiGen)} are exported by {string.Join(", ", where)}.", null, null));
        }

        var onLoad = bridges.Where(b => exports[b].Contains(OnLoad)).ToList();
        if (onLoad.Count > 0)
        {
            var names = string.Join(", ", onLoad.Select(b => b.FileName));
            return new Outcome(api, bridges, bridgeGenerations, Link(from, names, LinkStatus.Unproven,
                $"Cannot be proven statically: {missing.Count} of {natives.Count} native methods ({string.Join(", ", missing.Take(3).Select(m => m.Name))}{(missing.Count > 3 ? ", ..." : "")}) have no Java_ export, and {names} exports JNI_OnLoad, so it may bind them at load time with RegisterNatives, which only running the app shows.",
                "dynamic-registration", $"Build the JNI bridge with exported Java_org_apache_tvm_* functions (TVM's jvm/native does) so the names can be proven, or run the app and call every tvm4j entry point once."));
        }

        var first = FirstCalled(missing, apiGen);
        string headline;
        var bridgeGen = bridges.Count == 1 ? bridgeGenerations[bridges[0]] : null;
        var bridgeTvm = bridges.Count == 1 ? MatchingGeneration(exports[bridges[0]], table) : null;
        if (apiGen is not null && bridgeTvm is not null && bridgeTvm.Id != apiGen.Id)
        {
            var example = bridgeTvm.FirstCalls.Select(c => c.Name).FirstOrDefault(n => !apiGen.Natives.Any(a => a.Name == n)) ?? bridgeTvm.Natives[0].Name;
            headline = $"The app will throw UnsatisfiedLinkError: {first.Name} — {jarName} is the {apiGen.ShortId} API (declares {ShortClass(first.Class)}.{first.Name}) " +
                       $"but {bridges[0].FileName} exports the {bridgeTvm.ShortId} JNI names ({JniNames.Short(first.Class, example)} …). " +
                       $"Rebuild {bridges[0].FileName} from TVM {apiGen.Id} jvm/native (or use the jar that matches it).";
        }
        else
        {
            headline = bridges.Count == 0
                ? $"The app will throw UnsatisfiedLinkError: {first.Name} — {jarName} declares {ShortClass(first.Class)}.{first.Name} but no library in the app exports a Java_org_apache_tvm_* function (no JNI bridge such as libtvm4j.so was found)."
                : $"The app will throw UnsatisfiedLinkError: {first.Name} — {jarName} declares {ShortClass(first.Class)}.{first.Name} but {bridgeNames} ({bridgeGen}) exports neither {first.ShortSymbol} nor {first.LongSymbol}.";
        }
        var fix = apiGen is not null
            ? $"Rebuild the JNI bridge from TVM {apiGen.Id} jvm/native (org_apache_tvm_native_c_api.cc), or ship the tvm4j jar built from the same TVM source as the bridge."
            : "Build the JNI bridge and the tvm4j jar from the same TVM source.";
        var problems = missing.Select(m => new Problem
        {
            Severity = Severity.Error,
            Code = "unsatisfied-link",
            Message = $"{m.Class}.{m.Name}{m.Descriptor}: no app library exports {m.ShortSymbol} or {m.LongSymbol} (declared in {DisplayPath.Short(m.Source)}).",
            Fix = fix,
            Symbol = m.ShortSymbol,
            Where = [m.Source],
            Proof = "jni",
        }).ToList();
        return new Outcome(api, bridges, bridgeGenerations, new ChainLink
        {
            Kind = Kind, From = from, To = bridgeNames, Status = LinkStatus.Failed, Reason = headline, Problems = problems,
        });

        string apiLabelShort(Tvm4jGeneration? g) => g is null ? "the tvm4j classes" : $"the {g.ShortId} API";
    }

    private static ChainLink Link(string from, string to, LinkStatus status, string reason, string? code, string? fix) => new()
    {
        Kind = Kind, From = from, To = to, Status = status, Reason = reason,
        Problems = code is null ? [] : [new Problem { Severity = Severity.Error, Code = code, Message = reason, Fix = fix!, Proof = "jni" }],
    };

    /// <summary>The missing native the app calls first: upstream's start-up order, else declaration order.</summary>
    private static NativeMethodResult FirstCalled(IReadOnlyList<NativeMethodResult> missing, Tvm4jGeneration? api)
    {
        foreach (var call in api?.FirstCalls ?? [])
            if (missing.FirstOrDefault(m => m.Name == call.Name) is { } hit) return hit;
        return missing[0];
    }

    /// <summary>The TVM tag whose LibInfo natives equal the declared set (name and descriptor), else the closest by name.</summary>
    internal static (Tvm4jGeneration? Match, string Label) ApiGeneration(IReadOnlyList<JvmNativeMethod> natives, Tvm4jNatives table)
    {
        if (natives.Count == 0) return (null, "no tvm4j native methods");
        var declared = natives.Select(n => (n.Class, n.Name, n.Descriptor)).ToHashSet();
        foreach (var g in table.Generations)
            if (declared.SetEquals(g.Natives.Select(n => (n.Class, n.Name, n.Descriptor)))) return (g, g.Label);
        var names = natives.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var best = table.Generations.MaxBy(g => g.Natives.Count(n => names.Contains(n.Name)))!;
        var same = best.Natives.Count(n => names.Contains(n.Name));
        return (null, $"an unknown tvm4j API: {natives.Count} native methods, {same} of them named as in TVM {best.Id}'s {best.Natives.Count}");
    }

    /// <summary>The TVM tag whose every JNI short name the bridge exports (the bridge built from that tag's jvm/native).</summary>
    private static Tvm4jGeneration? MatchingGeneration(HashSet<string> exports, Tvm4jNatives table) =>
        table.Generations.LastOrDefault(g => g.Natives.All(n => exports.Contains(JniNames.Short(n.Class, n.Name))));

    private static string BridgeGeneration(HashSet<string> exports, Tvm4jNatives table)
    {
        var full = table.Generations.Where(g => g.Natives.All(n => exports.Contains(JniNames.Short(n.Class, n.Name)))).ToList();
        if (full.Count > 0) return string.Join(" and ", full.Select(g => $"TVM {g.Id} JNI names")) ;
        var jni = exports.Count(n => n.StartsWith(JniPrefix, StringComparison.Ordinal));
        if (jni == 0) return exports.Contains(OnLoad) ? "registers natives in JNI_OnLoad (no Java_ exports)" : "no JNI exports";
        var best = table.Generations.MaxBy(g => g.Natives.Count(n => exports.Contains(JniNames.Short(n.Class, n.Name))))!;
        return $"{jni} Java_org_apache_tvm_* exports; {best.Natives.Count(n => exports.Contains(JniNames.Short(n.Class, n.Name)))} of TVM {best.Id}'s {best.Natives.Count}";
    }

    private static string ShortClass(string cls) => cls[(cls.LastIndexOf('.') + 1)..];

    /// <summary>"tvm4j_core.jar" from "libs/tvm4j_core.jar!org/apache/tvm/LibInfo.class".</summary>
    internal static string TopFile(string display) => Path.GetFileName(DisplayPath.Outer(display));
}
