using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.Reporting;
using Ava.Compiler.Verification.Linking;
using Ava.Compiler.Verification.Runtime;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// <c>alc verify --app</c>: proves the runtime stack the app loads, link by link — the tvm4j jar's native methods
/// resolve in the JNI bridge, the bridge's TVM imports resolve in the runtime set it loads, and each model library
/// passes the runtime proof (and, with a linker, the link proof) against the app's actual runtime files.
/// </summary>
public static class AppChainVerifier
{
    public const string RuntimeModelKind = "runtime-model";

    /// <param name="models">Model libraries (may be empty: then only the first two links are proven).</param>
    /// <param name="app">The --app paths: a jniLibs folder, a jar, an .aar, an .apk (several allowed).</param>
    /// <param name="linker">When set, the model libraries are also linked by ld.lld against the app's runtime files.</param>
    public static async Task<VerificationResult> VerifyAsync(IReadOnlyList<VerifyInput> models, IReadOnlyList<VerifyInput> app, VerifyOptions options,
        LinkerSetup? linker = null, IReporter? reporter = null, CancellationToken cancellationToken = default)
    {
        reporter ??= NullReporter.Instance;
        if (app.Count == 0) throw new BadInputException($"The app{Remedy.Of(UserInput.App)} needs at least one path.", "Pass the app's jniLibs/arm64-v8a/ folder and the tvm4j jar, an .aar or a built .apk.");
        var catalog = new AbiCatalog(options.AbiDirectory);
        var profile = catalog.LoadProfile(options.Abi);
        var target = catalog.Target(options.Target);
        var table = catalog.Tvm4jNatives();
        var contents = AppContents.Read(app, AndroidAbi(target.Architecture), target.Architecture);
        PhaseClock.Mark("app read");
        reporter.Info($"app: {contents.Natives.Count} tvm4j native method(s), {contents.Libraries.Count} shared librar{(contents.Libraries.Count == 1 ? "y" : "ies")} for {target.Id}");

        var jar = JarToBridge.Run(contents, table);
        // The runtime is what the bridge loads (DT_NEEDED); with no bridge found, every app library exporting TVM
        // functions stands in so the model libraries are still checked against the app's files.
        var closure = jar.Bridges.Count > 0 ? BridgeRuntime.Of(jar.Bridges, contents.Libraries)
            : new BridgeRuntime.Closure(contents.Libraries.Where(BridgeRuntime.ExportsTvm).ToList(), []);
        var runtimeOptions = options.WithRuntimeInput(Errors.UserInput.App);
        using var files = RuntimeFiles.Materialize(closure.Libraries);
        var set = closure.Libraries.Any(BridgeRuntime.ExportsTvm)
            ? RuntimeSet.Load(files.Inputs, catalog.LoadRuntimeLayout(), profile.Generations, Errors.UserInput.App) : null;
        var runtimeNames = BridgeRuntime.Names(set, jar.Bridges.Select(b => files.Of(b)?.Display).OfType<string>().ToList());
        var bridge = BridgeToRuntime.Run(jar.Bridges, closure, set, profile, runtimeNames);
        PhaseClock.Mark("app chain");

        VerificationResult result;
        var links = new List<ChainLink> { jar.Link, bridge };
        if (models.Count > 0)
        {
            var runtimeInputs = set is null ? [] : files.Inputs;
            result = Verifier.Verify(models, runtimeInputs, runtimeOptions, reporter);
            if (linker is not null) result = await LinkProof.RunAsync(result, models, runtimeInputs, linker, runtimeOptions, reporter, cancellationToken);
            foreach (var lib in result.Libraries) links.Add(ModelLink(lib, result, runtimeNames, set is null ? 0 : set.Members.Count));
        }
        else
        {
            result = new VerificationResult
            {
                Verdict = Verdict.Accepted, Target = target.Id, Abi = profile.Id, Runtime = profile.Runtime,
                RuntimeSources = closure.Libraries.Select(r => r.Path).ToList(), Libraries = [],
            };
        }

        var members = set?.Members.ToDictionary(m => m.Path, m => m) ?? [];
        string Generation(AppLibrary l)
        {
            var parts = new List<string>();
            if (jar.BridgeGenerations.TryGetValue(l, out var jni)) parts.Add(jni);
            var file = files.Of(l)?.Path;
            if (file is not null && members.TryGetValue(file, out var m)) parts.Add(BridgeToRuntime.Describe(m, set!));
            else if (BridgeRuntime.ExportsTvm(l)) parts.Add("exports TVM functions; not loaded with the bridge");
            return parts.Count == 0 ? "no TVM or JNI exports" : string.Join("; ", parts);
        }

        var chain = new AppChainResult
        {
            Inputs = app.Select(a => a.Display).ToList(),
            Api = jar.Api,
            Libraries = contents.Libraries.Select(l => new AppLibraryResult(l.Path, Roles(l, jar.Bridges, closure.Libraries), Generation(l),
                l.Object.Needed, l.Object.Exports.Any(s => s.Name == "JNI_OnLoad"))).ToList(),
            Links = links,
            Skipped = contents.Skipped,
        };
        return result with { App = chain, Verdict = result.Ok && chain.Ok ? Verdict.Accepted : Verdict.Rejected };
    }

    private static ChainLink ModelLink(LibraryResult lib, VerificationResult all, string runtimeNames, int runtimeCount)
    {
        var errors = lib.Problems.Where(p => p.Severity == Severity.Error).ToList();
        var linkNote = all.Link is { Performed: true } l ? (l.Linked ? "; ld.lld linked it" : "; ld.lld failed") : "";
        var reason = lib.Verdict == Verdict.Accepted
            ? $"{lib.Generation} library{(lib.ModelLib is null ? "" : $" {lib.ModelLib}")}: every TVM symbol it references is exported by {(runtimeCount == 0 ? "the profile's list" : runtimeNames)}{linkNote}."
            : $"{errors.FirstOrDefault()?.Message ?? "rejected"}{(errors.Count > 1 ? $" (+{errors.Count - 1} more)" : "")}";
        if (runtimeCount == 0 && lib.Verdict == Verdict.Accepted)
            return new ChainLink
            {
                Kind = RuntimeModelKind, From = runtimeNames, To = lib.Path, Status = LinkStatus.Unproven,
                Reason = "No library of the app exports the TVM runtime, so the model library was checked only against the profile's export list.",
                Problems = [new Problem { Severity = Severity.Error, Code = "no-bridge", Message = "The app ships no TVM runtime library (nothing exports TVMFFI* or TVMBackend*).", Fix = $"Pass the app's jniLibs/arm64-v8a/ folder with libtvm_runtime.so and libtvm_ffi.so (or the packed libtvm4j_runtime_packed.so) as part of the app{Remedy.Of(UserInput.App)}.", Proof = "dynamic-symbols" }],
            };
        return new ChainLink
        {
            Kind = RuntimeModelKind, From = runtimeNames, To = lib.Path, Status = lib.Verdict == Verdict.Accepted ? LinkStatus.Ok : LinkStatus.Failed,
            Reason = reason,
        };
    }

    private static IReadOnlyList<AppLibraryRole> Roles(AppLibrary l, IReadOnlyList<AppLibrary> bridges, IReadOnlyList<AppLibrary> runtimes)
    {
        var roles = new List<AppLibraryRole>();
        if (bridges.Contains(l)) roles.Add(AppLibraryRole.Bridge);
        if (runtimes.Contains(l)) roles.Add(AppLibraryRole.Runtime);
        if (roles.Count == 0) roles.Add(AppLibraryRole.Other);
        return roles;
    }

    /// <summary>Android's ABI folder name for an architecture (jniLibs/&lt;abi&gt;, lib/&lt;abi&gt; in an .apk).</summary>
    internal static string AndroidAbi(string architecture) => architecture switch
    {
        "aarch64" => "arm64-v8a",
        "arm" => "armeabi-v7a",
        "x86_64" => "x86_64",
        "x86" => "x86",
        _ => architecture,
    };

    /// <summary>The runtime set as files on disk: the model proof and ld.lld read files; a library from a zip is written to a private temp folder.</summary>
    private sealed class RuntimeFiles : IDisposable
    {
        private readonly string? _dir;

        private readonly IReadOnlyList<AppLibrary> _libraries;

        private RuntimeFiles(IReadOnlyList<AppLibrary> libraries, IReadOnlyList<VerifyInput> inputs, string? dir) { _libraries = libraries; Inputs = inputs; _dir = dir; }

        /// <summary>One input per library, shown by <see cref="Located"/> (the whole path when two would read the same).</summary>
        public IReadOnlyList<VerifyInput> Inputs { get; }

        public VerifyInput? Of(AppLibrary library)
        {
            for (var i = 0; i < _libraries.Count; i++)
                if (ReferenceEquals(_libraries[i], library)) return Inputs[i];
            return null;
        }

        /// <summary>
        /// A runtime file as its problems point at it (<c>--> jniLibs/arm64-v8a/libtvm4j.so</c>): the folder it came from
        /// kept (from the ABI folder's parent when it sits in one, as jniLibs/&lt;abi&gt;/ does; else its own folder), never a
        /// temp folder. The chain's one-screen summary still names files (<see cref="DisplayPath.Short"/>).
        /// </summary>
        private static string Located(string path)
        {
            var outer = DisplayPath.Outer(path);
            var parent = Path.GetFileName(Path.GetDirectoryName(outer.Replace('\\', '/').TrimEnd('/')) ?? "");
            // In an .aar or .apk the member path is the app's own (app.apk!lib/arm64-v8a/…): the container's name is enough.
            return DisplayPath.Located(path, outer.Length < path.Length ? 0 : AndroidAbis.Contains(parent) ? 2 : 1);
        }

        private static readonly string[] AndroidAbis = [.. new[] { "aarch64", "arm", "x86_64", "x86" }.Select(AndroidAbi)];

        public static RuntimeFiles Materialize(IReadOnlyList<AppLibrary> set)
        {
            string? dir = null;
            var inputs = new List<VerifyInput>();
            var located = set.Select(r => Located(r.Path)).ToList();
            foreach (var (r, i) in set.Select((r, i) => (r, i)))
            {
                var display = located.Count(n => n == located[i]) == 1 ? located[i] : r.Path;
                if (r.FilePath is not null) { inputs.Add(new VerifyInput(r.FilePath, display)); continue; }
                dir ??= Directory.CreateTempSubdirectory("alc-app-runtime-").FullName;
                var file = Path.Combine(dir, $"{inputs.Count}-{r.FileName}");
                File.WriteAllBytes(file, r.Bytes!);
                inputs.Add(new VerifyInput(file, display));
            }
            return new RuntimeFiles(set, inputs, dir);
        }

        public void Dispose()
        {
            if (_dir is null) return;
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
