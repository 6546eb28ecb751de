using Ava.Cli.CommandLine;
using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.Registry;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.AppChain;
using Ava.Compiler.Verification.Linking;
using Ava.Cli.Rendering;

namespace Ava.Cli.Commands;

/// <summary><c>alc verify</c>: proves model libraries link against AVA's TVM runtime (exit 1 when one is rejected).</summary>
public sealed class VerifyCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("verify", "Prove that model libraries link against AVA's TVM v0.22.0 runtime.")
    {
        Positionals = [new PositionalSpec("path", "Model libraries: .tar/.ALM (gzip or not), .a, .o/.ADco, .so/.dylib, or folders. Read by content, not by name. Optional with --app.", Required: false, Variadic: true)],
        Options =
        [
            OptionSpec.Value("--target", "TARGET", "What the objects must be built for.", AbiCatalog.DefaultTarget).OneOf("android-arm64", "macos-arm64", "macos-x64", "linux-x64"),
            OptionSpec.Value("--abi", "PROFILE", "ABI profile id (abi/<id>.json) or path of a profile JSON.", AbiCatalog.DefaultProfile),
            OptionSpec.Repeatable("--runtime", "PATH", "AVA's runtime, whose files together must export every TVM symbol the libraries use: a folder (the app's jniLibs/arm64-v8a/), or its files (libtvm_runtime.so and the libtvm_ffi.so it links, or one libtvm4j_runtime_packed.so). Default: the profile's export list."),
            OptionSpec.Value("--system-libs", "DIR", "NDK sysroot lib folder; libc/libm/libdl/liblog there must export every other symbol. Without it those are listed as unchecked."),
            OptionSpec.Flag("--bundle", "The libraries go into one app build: no shared global symbols or system-lib prefixes."),
            OptionSpec.Flag("--link", "Also link the libraries with the NDK's ld.lld (-shared --no-undefined -z defs --whole-archive, aarch64-linux-android24) against every --runtime file and the sysroot, as the app build does."),
            OptionSpec.Value("--ndk", "DIR", "Android NDK root for --link (default: ALC_ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT). Implies --link."),
            OptionSpec.Value("--linker", "PATH", "An ld.lld to use for --link instead of the NDK's (needs --system-libs). Implies --link."),
            OptionSpec.Value("--report", "DIR", "Write verification-report.md and verification-report.json into DIR."),
            OptionSpec.Value("--registry", "DIR", "The registry (registry/ with models/*.json): each library's metadata must agree with its entry (found by system-lib prefix): model_type, quantization, context, prefill chunk, sliding window and estimated_vram_bytes. A library without metadata is a warning (an error with --strict)."),
            OptionSpec.Flag("--strict", "Refuse a package (.ALM/.AON tar) without alc-manifest.json instead of warning that it cannot be checked (the default in the Action and the compile pipeline)."),
            OptionSpec.Repeatable("--app", "PATH", "The app's runtime stack: its jniLibs/arm64-v8a/ folder, the tvm4j jar, an .aar or a built .apk. Proves jar → JNI bridge → TVM runtime → each model library; the runtime is the app's own files."),
        ],
        Environment =
        [
            ("ALC_ANDROID_NDK", "Android NDK root for --link (also ANDROID_NDK_HOME, ANDROID_NDK_ROOT)."),
            ("ALC_HOME", "Folder whose abi/ holds the ABI profiles (default: the ones built into alc)."),
            .. EnvironmentHelp.Console,
        ],
        Details = """
            A library is rejected when it references an old-API symbol (TVMFuncCall, TVMAPISetLastError, ...), a newer
            generation's symbol (TVMFFIErrorSetRaisedFromCStrParts from v0.24, TVMFFIEnvModLookupFromImports and
            TVMFFIHandleInitOnce from v0.26), lacks a v0.22 marker, has lib0/devc prefixes that disagree, or has objects of
            another architecture than --target. Only symbol-table names count: strings and local helpers never do; weak
            references do. TVMFFIEnvModRegisterContextSymbol is runtime-side only: v0.22 generated code never references
            it, so it is not required in model libraries.

            A runtime is a set of files. In a standard TVM v0.22.0 build libtvm_runtime.so exports TVMBackend* and links
            libtvm_ffi.so (DT_NEEDED), which exports every TVMFFI* function: pass both, or the folder holding them; only a
            packed build (libtvm4j_runtime_packed.so) is one file. DT_NEEDED is followed within the given files and
            folders, every file is reported with what it exports and its generation, and a runtime of another generation
            (e.g. one exporting the old TVMFuncCall) rejects the verification. A runtime given as PATH is bad input.

            --link proves it with the real linker: every library's objects (written to a temp folder that is deleted
            afterwards) are linked into a throwaway shared object; undefined and duplicate symbols are reported like the
            name checks. Without an NDK or linker the proof is skipped with a note and the name checks decide.
            An .ALM package is also checked against the alc-manifest.json inside it: a modified, missing or extra file
            rejects it; a package without one is unverifiable (a warning, refused with --strict). Any tar member the
            phone's unpacker could not extract safely (absolute or '..' name, symbolic or hard link, device, FIFO, a
            name given twice) rejects the archive.

            --app proves the chain the app loads: every native method of the org.apache.tvm classes (class files in a
            jar, classes.jar in an .aar, classes*.dex in an .apk) must be exported by an app library under its JNI name
            (Java_<class>_<method>, or the __<signature> overload form), else the app throws UnsatisfiedLinkError; the
            JNI bridge's TVM imports must be exported by the runtime set it loads; model libraries are then proven
            against those runtime files. A bridge exporting JNI_OnLoad without the names is reported as not provable.

            --registry proves each library is the build its registry entry describes, by the library's own metadata:
            model_type and quantization equal, the entry's context_window_size and prefill_chunk_size not above what was
            compiled, the same sliding window, and estimated_vram_bytes equal to what the metadata gives for the entry's
            context. Use it with --bundle for the libraries of one app (an A/B pair); every mismatch rejects.

            Exit codes: 0 all accepted, 1 a library was rejected, 2 bad input (damaged or unsupported file, unknown option).

            Examples:
              alc verify dist/gemma2-android.tar
              alc verify dist/gemma2-android.tar --runtime app/src/main/jniLibs/arm64-v8a/ --ndk $ANDROID_NDK_HOME
              alc verify dist/gemma2-android.tar --app app/src/main/jniLibs/arm64-v8a --app app/libs/tvm4j_core.jar
              alc verify lib/*.tar --bundle --runtime libtvm4j_runtime_packed.so --system-libs $NDK_SYSROOT_LIB --report out/
              alc verify dist/*.ALM --bundle --registry registry --strict
            """,
    };

    public override async Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var paths = input.Positional("path").Select(p => new VerifyInput(context.ResolvePath(p), p)).ToList();
        var runtimes = input.Values("--runtime").Select(p => new VerifyInput(context.ResolvePath(p), p)).ToList();
        var abi = input.Value("--abi")!;
        if (abi.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) abi = context.ResolvePath(abi);
        var options = new VerifyOptions()
            .WithTarget(input.Value("--target")!)
            .WithAbi(abi)
            .WithSystemLibs(input.Value("--system-libs") is { } sys ? context.ResolvePath(sys) : null)
            .WithBundle(input.Flag("--bundle"))
            .WithStrict(input.Flag("--strict"))
            .WithAbiDirectory(AbiDirectory(context));

        var reporter = input.Json ? null : context.CreateReporter();
        var apps = input.Values("--app").Select(p => new VerifyInput(context.ResolvePath(p), p)).ToList();
        var link = input.Flag("--link") || input.Value("--ndk") is not null || input.Value("--linker") is not null;
        VerificationResult result;
        if (apps.Count > 0)
        {
            if (runtimes.Count > 0)
                throw new BadInputException("--runtime and --app both name the runtime.", "Drop --runtime: with --app the model libraries are proven against the runtime files the app ships.");
            result = await AppChainVerifier.VerifyAsync(paths, apps, options, link ? LinkerSetupFrom(input, context) : null, reporter, cancellationToken);
        }
        else
        {
            result = Verifier.Verify(paths, runtimes, options, reporter);
            if (link) result = await LinkProof.RunAsync(result, paths, runtimes, LinkerSetupFrom(input, context), options, reporter, cancellationToken);
        }
        if (input.Value("--registry") is { } registryDir)
            result = RegistryMetadataProof.Apply(result, OpenRegistry(context.ResolvePath(registryDir)), options.Strict);

        string? reportDir = null;
        if (input.Value("--report") is { } dir)
        {
            reportDir = context.ResolvePath(dir);
            VerificationReport.Write(result, reportDir);
            PhaseClock.Mark("reports written");
        }

        if (input.Json)
        {
            context.Out.WriteLine(VerificationReport.ToJson(result));
            context.Out.Flush();
            PhaseClock.Mark("json written");
        }
        else
        {
            // Plain unwrapped lines: the headline names symbols a user copies.
            if (result.App is { } chain)
                foreach (var line in AppChainSummary.Lines(chain, result.Target)) context.Screen.Line(line);
            if (result.Libraries.Count > 0 || result.App is null) Render(context.Screen, result, CliInputs.For(Spec));
            else context.Screen.Line(result.Ok
                ? $"{context.Screen.Green("ACCEPTED")}: the app's runtime chain is proven (no model library given)."
                : $"{context.Screen.Red("REJECTED")}: the app's runtime chain is not proven.");
            PhaseClock.Mark("rendered");
            if (reportDir is not null)
            {
                context.Screen.Line("reports:");
                context.Screen.Line("  " + Path.Combine(reportDir, VerificationReport.MarkdownFileName));
                context.Screen.Line("  " + Path.Combine(reportDir, VerificationReport.JsonFileName));
            }
        }
        return result.Ok ? 0 : 1;
    }

    private static ModelRegistry OpenRegistry(string dir) =>
        Directory.Exists(Path.Combine(dir, "models")) ? new ModelRegistry(dir)
        : throw new BadInputException($"--registry {dir} is not a registry: it has no models/ folder.",
            "Pass the registry folder that holds models/<AVA-name>.json (the repository's registry/, or the registry branch's checkout).");

    /// <summary>--linker (with --system-libs), else --ndk, else an NDK from the environment; null when there is none.</summary>
    private static LinkerSetup? LinkerSetupFrom(CommandInput input, CliContext context)
    {
        string? Resolved(string option) => input.Value(option) is { } p ? context.ResolvePath(p) : null;
        return LinkerSetup.Discover(Resolved("--linker"), Resolved("--system-libs"), Resolved("--ndk"), context.Env);
    }

    private static string? AbiDirectory(CliContext context)
    {
        var home = context.Env("ALC_HOME");
        return home is not null && Directory.Exists(Path.Combine(home, "abi")) ? Path.Combine(home, "abi") : null;
    }

    private static void Render(Screen screen, VerificationResult r, Func<UserInput, string?> spell)
    {
        foreach (var l in r.Libraries)
        {
            var verdict = l.Verdict == Verdict.Accepted ? screen.Green("accepted") : screen.Red("rejected");
            screen.Line($"{verdict} {l.Path}");
            screen.Prose("  ", $"{l.Generation}; prefix {l.Prefix ?? "-"}; {l.Objects.Count} object(s); metadata: {l.Metadata?.Describe() ?? LibraryMetadata.Missing(l)}");
            foreach (var o in l.Objects)
                screen.Line($"    {DisplayPath.Member(o.Path)}: {(o.Format == "elf" ? "ELF" : "Mach-O")}{o.Bits} {o.Architecture} {o.Role.ToString().ToLowerInvariant()}");
        }

        if (r.RuntimeSet is { } runtime)
        {
            screen.Line($"{screen.Bold("runtime")} ({string.Join(", ", runtime.Given)}):");
            foreach (var f in runtime.Files) screen.Line($"  {f.Path}: {f.Summary()}");
            foreach (var i in runtime.Ignored) screen.Line($"  note: not part of the runtime: {i.Path} ({i.Reason})");
            if (runtime.Problems.Count > 0) RenderProblems(screen, runtime.Problems, spell);
        }
        if (r.Problems.Count > 0) RenderProblems(screen, r.Problems, spell);
        foreach (var l in r.Libraries)
        {
            if (l.Problems.Count > 0) RenderProblems(screen, l.Problems, spell);
            if (l.PackageProof is not null) screen.Prose("package proof: ", $"{l.Path}: {l.PackageProof}");
            if (l.RegistryProof is not null) screen.Prose("registry proof: ", $"{l.Path}: {l.RegistryProof}");
            foreach (var n in l.Notes) screen.Prose("note: ", n);
            foreach (var s in l.Skipped) screen.Prose("note: ", $"skipped {s.Path}: {s.Reason}");
            if (l.UncheckedCount > 0)
                screen.Prose("note: ", $"{l.Path}: {l.UncheckedCount} non-TVM symbol(s) not checked ({string.Join(", ", l.Unchecked.Take(8))}{(l.UncheckedCount > 8 ? ", ..." : "")}); pass --system-libs to check them.");
        }
        if (r.Link is { } link) screen.Prose("link proof: ", link.Note);
        var head = r.Ok ? screen.Green("ACCEPTED") : screen.Red("REJECTED");
        var against = r.RuntimeSet is { } set ? $"{string.Join(" + ", set.Files.Select(f => f.Path))} ({r.Runtime} expected)" : r.Runtime;
        var chain = r.App is { Ok: false } ? "; the app's runtime chain is not proven (above)" : r.App is not null ? "; the app's runtime chain is proven" : "";
        screen.Prose($"{head}: ", $"{r.Libraries.Count(l => l.Verdict == Verdict.Accepted)} of {r.Libraries.Count} librar{(r.Libraries.Count == 1 ? "y" : "ies")} accepted for {r.Target} against {against}{chain}.");
    }

    /// <summary>rustc's shape: the headline whole on its "error:" line, where it was found, notes, one help per library.</summary>
    internal static void RenderProblems(Screen screen, IReadOnlyList<Problem> problems, Func<UserInput, string?>? spell = null)
    {
        foreach (var d in Diagnostics.Of(problems))
        {
            var tag = d.Severity switch { Severity.Error => screen.Red("error"), Severity.Warning => screen.Yellow("warning"), _ => screen.Bold("note") };
            screen.Line($"{tag}[{d.Code}]: {d.Headline}");
            if (d.Where.Count > 0) screen.Line($"  --> {string.Join(", ", d.Where)}");
            foreach (var n in d.Notes) screen.Prose("   = note: ", n);
            if (d.Help is { } help) screen.Prose("   = help: ", Remedy.Render(help, spell ?? CliInputs.For(null)));
        }
    }

}
