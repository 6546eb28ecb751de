using Ava.Cli.CommandLine;
using Ava.Compiler.Abi;
using Ava.Compiler.Diagnostics;
using Ava.Compiler.Errors;
using Ava.Compiler.Verification;
using Ava.Compiler.Verification.Linking;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc verify</c>: proves model libraries link against AVA's TVM runtime (exit 1 when one is rejected).</summary>
public sealed class VerifyCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("verify", "Prove that model libraries link against AVA's TVM v0.22.0 runtime.")
    {
        Positionals = [new PositionalSpec("path", "Model libraries: .tar/.ALM (gzip or not), .a, .o/.ADco, .so/.dylib, or folders. Read by content, not by name.", Variadic: true)],
        Options =
        [
            OptionSpec.Value("--target", "TARGET", "What the objects must be built for: android-arm64, macos-arm64, macos-x64, linux-x64.", AbiCatalog.DefaultTarget),
            OptionSpec.Value("--abi", "PROFILE", "ABI profile id (abi/<id>.json) or path of a profile JSON.", AbiCatalog.DefaultProfile),
            OptionSpec.Repeatable("--runtime", "PATH", "AVA's runtime, whose files together must export every TVM symbol the libraries use: a folder (the app's jniLibs/arm64-v8a/), or its files (libtvm_runtime.so and the libtvm_ffi.so it links, or one libtvm4j_runtime_packed.so). Default: the profile's export list."),
            OptionSpec.Value("--system-libs", "DIR", "NDK sysroot lib folder; libc/libm/libdl/liblog there must export every other symbol. Without it those are listed as unchecked."),
            OptionSpec.Flag("--bundle", "The libraries go into one app build: no shared global symbols or system-lib prefixes."),
            OptionSpec.Flag("--link", "Also link the libraries with the NDK's ld.lld (-shared --no-undefined -z defs --whole-archive, aarch64-linux-android24) against every --runtime file and the sysroot, as the app build does."),
            OptionSpec.Value("--ndk", "DIR", "Android NDK root for --link (default: ALC_ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT). Implies --link."),
            OptionSpec.Value("--linker", "PATH", "An ld.lld to use for --link instead of the NDK's (needs --system-libs). Implies --link."),
            OptionSpec.Value("--report", "DIR", "Write verification-report.md and verification-report.json into DIR."),
            OptionSpec.Flag("--strict", "Refuse a package (.ALM/.AON tar) without alc-manifest.json instead of warning that it cannot be checked (the default in the Action and the compile pipeline)."),
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

            Exit codes: 0 all accepted, 1 a library was rejected, 2 bad input (damaged or unsupported file, unknown option).

            Examples:
              alc verify dist/gemma2-android.tar
              alc verify dist/gemma2-android.tar --runtime app/src/main/jniLibs/arm64-v8a/ --ndk $ANDROID_NDK_HOME
              alc verify lib/*.tar --bundle --runtime libtvm4j_runtime_packed.so --system-libs $NDK_SYSROOT_LIB --report out/
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
        var result = Verifier.Verify(paths, runtimes, options, reporter);
        if (input.Flag("--link") || input.Value("--ndk") is not null || input.Value("--linker") is not null)
            result = await LinkProof.RunAsync(result, paths, runtimes, LinkerSetupFrom(input, context), options, reporter, cancellationToken);

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
            Render(context.Human, result);
            PhaseClock.Mark("rendered");
            if (reportDir is not null) context.Human.MarkupLine($"reports: {Markup.Escape(Path.Combine(reportDir, VerificationReport.MarkdownFileName))}, {Markup.Escape(VerificationReport.JsonFileName)}");
        }
        return result.Ok ? 0 : 1;
    }

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

    private static void Render(IAnsiConsole console, VerificationResult r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("library").AddColumn("verdict").AddColumn("TVM generation").AddColumn("prefix").AddColumn("objects").AddColumn("metadata");
        foreach (var l in r.Libraries)
        {
            var objects = string.Join("\n", l.Objects.Select(o => $"{ShortName(o.Path)}: {(o.Format == "elf" ? "ELF" : "Mach-O")}{o.Bits} {o.Architecture} {o.Role.ToString().ToLowerInvariant()}"));
            table.AddRow(
                new Text(l.Path),
                new Markup(l.Verdict == Verdict.Accepted ? "[green]accepted[/]" : "[red]rejected[/]"),
                new Text(l.Generation),
                new Text(l.Prefix ?? "-"),
                new Text(objects.Length == 0 ? "-" : objects),
                new Text(l.Metadata?.Describe() ?? LibraryMetadata.Missing(l)));
        }
        console.Write(table);

        if (r.RuntimeSet is { } runtime)
        {
            console.MarkupLine($"[bold]runtime[/] ({Markup.Escape(string.Join(", ", runtime.Given))}):");
            foreach (var f in runtime.Files) console.MarkupLine($"  {Markup.Escape(f.Path)}: {Markup.Escape(f.Summary())}");
            foreach (var i in runtime.Ignored) console.MarkupLine($"  note: not part of the runtime: {Markup.Escape(i.Path)} ({Markup.Escape(i.Reason)})");
            if (runtime.Problems.Count > 0) RenderProblems(console, "runtime", runtime.Problems);
        }
        if (r.Problems.Count > 0) RenderProblems(console, "bundle", r.Problems);
        foreach (var l in r.Libraries)
        {
            if (l.Problems.Count > 0) RenderProblems(console, l.Path, l.Problems);
            if (l.PackageProof is not null) console.MarkupLine($"package proof: {Markup.Escape(l.Path)}: {Markup.Escape(l.PackageProof)}");
            foreach (var n in l.Notes) console.MarkupLine($"note: {Markup.Escape(n)}");
            foreach (var s in l.Skipped) console.MarkupLine($"note: skipped {Markup.Escape(s.Path)}: {Markup.Escape(s.Reason)}");
            if (l.UncheckedCount > 0)
                console.MarkupLine($"note: {Markup.Escape(l.Path)}: {l.UncheckedCount} non-TVM symbol(s) not checked ({Markup.Escape(string.Join(", ", l.Unchecked.Take(8)))}{(l.UncheckedCount > 8 ? ", ..." : "")}); pass --system-libs to check them.");
        }
        if (r.Link is { } link) console.MarkupLine($"link proof: {Markup.Escape(link.Note)}");
        var verdict = r.Ok ? "[green]ACCEPTED[/]" : "[red]REJECTED[/]";
        console.MarkupLine($"{verdict}: {r.Libraries.Count(l => l.Verdict == Verdict.Accepted)} of {r.Libraries.Count} librar{(r.Libraries.Count == 1 ? "y" : "ies")} accepted for {Markup.Escape(r.Target)} against {Markup.Escape(r.RuntimeSet is { } set ? $"{string.Join(" + ", set.Files.Select(f => f.Path))} ({r.Runtime} expected)" : r.Runtime)}.");
    }

    /// <summary>Each problem once, then each distinct fix once: the same fix under five old symbols is noise.</summary>
    private static void RenderProblems(IAnsiConsole console, string title, IReadOnlyList<Problem> problems)
    {
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]:");
        foreach (var p in problems)
        {
            var tag = p.Severity == Severity.Error ? "[red]error[/]" : p.Severity == Severity.Warning ? "[yellow]warning[/]" : "note";
            console.MarkupLine($"  {tag} [dim]{Markup.Escape(p.Code)}[/]: {Markup.Escape(p.Message)}");
        }
        foreach (var fix in problems.Select(p => p.Fix).Distinct())
            console.MarkupLine($"  [bold]Fix:[/] {Markup.Escape(fix)}");
    }

    private static string ShortName(string path) => path.Contains('!') ? path[(path.LastIndexOf('!') + 1)..] : Path.GetFileName(path);
}
