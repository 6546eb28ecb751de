using Ava.Compiler.Abi;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Verification.Runtime;

/// <summary>
/// A TVM runtime as the app ships it: a set of shared libraries, not one file. In a standard TVM v0.22.0 build the
/// tvm-ffi C API (every TVMFFI* function) lives in libtvm_ffi.so and libtvm_runtime.so links it (DT_NEEDED); only a
/// packed build (mlc4j's libtvm4j_runtime_packed.so) has everything in one file (abi/runtime-layout.json).
/// <para>
/// Given files are members; a given folder (e.g. the app's <c>jniLibs/arm64-v8a/</c>, read without descending) adds
/// each shared library that exports a TVM function. DT_NEEDED entries are then followed within the given files and
/// folders (by file name or DT_SONAME); what no file provides is listed in <see cref="Missing"/>. The exports of the
/// members together are what model libraries link against, and every member is passed to the link proof.
/// </para>
/// </summary>
public sealed record RuntimeSet
{
    /// <summary>What was given, as given.</summary>
    public required IReadOnlyList<VerifyInput> Given { get; init; }

    /// <summary>How the set was given, for messages: <c>--runtime</c>, <c>--ava-runtime (ALC_AVA_RUNTIME)</c>.</summary>
    public required UserInput Input { get; init; }

    /// <summary>The runtime's files: given files first (in order), then folder files and DT_NEEDED finds (by name).</summary>
    public required IReadOnlyList<RuntimeMember> Members { get; init; }

    /// <summary>Files of given folders that are not part of the runtime.</summary>
    public required IReadOnlyList<IgnoredFile> Ignored { get; init; }

    /// <summary>DT_NEEDED entries of members that no given file or folder provides.</summary>
    public required IReadOnlyList<MissingDependency> Missing { get; init; }

    public required RuntimeLayout Layout { get; init; }

    /// <summary>The generation table the members were diagnosed against.</summary>
    public required GenerationTable Generations { get; init; }

    /// <summary>Every symbol any member exports.</summary>
    public required IReadOnlySet<string> Exports { get; init; }

    /// <summary>The member that exports a symbol (the first, in member order), or null.</summary>
    public RuntimeMember? ExporterOf(string symbol) => Members.FirstOrDefault(m => m.Exports.Contains(symbol));

    /// <summary>The members a member's DT_NEEDED entries resolve to within the set.</summary>
    public IReadOnlyList<RuntimeMember> NeededBy(RuntimeMember member) =>
        member.Needed.Select(Find).Where(m => m is not null).Select(m => m!).ToList();

    /// <summary>How many member exports start with a part's prefix (0: the set lacks that part).</summary>
    public int PartExportCount(string partId) => Members.Sum(m => m.PartExports.GetValueOrDefault(partId));

    /// <summary>The first member whose exports show another generation than <paramref name="generation"/>, or null.</summary>
    public RuntimeMember? OtherGeneration(string generation)
    {
        var index = Generations.IndexOf(generation);
        return Members.FirstOrDefault(m => m.Generation.Diagnosed && !m.Generation.Allows(index));
    }

    /// <summary>
    /// Why a symbol a library needs is not exported ("" when nothing more can be said): a member of another generation
    /// than <paramref name="generation"/>, or the whole part of the runtime missing from the set.
    /// </summary>
    public string WhyMissing(string symbol, string? generation = null)
    {
        if (Layout.PartOf(symbol) is not { } part) return "";
        if (generation is not null && OtherGeneration(generation) is { } other)
            return $" ({other.Display} is a {other.Generation.Label} runtime)";
        if (PartExportCount(part.Id) > 0) return "";
        return $" (no file of the runtime exports any {part.ExportPrefix}* function: they live in {part.Library}, which is not in the runtime set)";
    }

    private RuntimeMember? Find(string library) =>
        Members.FirstOrDefault(m => m.FileName == library) ?? Members.FirstOrDefault(m => m.Soname == library);

    /// <summary>The set for the default profile's layout and generation table (abi/ built into alc).</summary>
    public static RuntimeSet Load(IReadOnlyList<string> paths, UserInput given = UserInput.Runtime) =>
        Load(paths.Select(VerifyInput.Of).ToList(), new AbiCatalog(), given);

    public static RuntimeSet Load(IReadOnlyList<VerifyInput> paths, AbiCatalog catalog, UserInput given = UserInput.Runtime) =>
        Load(paths, catalog.LoadRuntimeLayout(), catalog.LoadProfile(AbiCatalog.DefaultProfile).Generations, given);

    /// <summary>
    /// Reads the given files and folders. Bad input (exit 2): a path that does not exist, a given file that is not a
    /// shared library, a folder without a TVM runtime library, a set that exports no TVM function at all.
    /// </summary>
    public static RuntimeSet Load(IReadOnlyList<VerifyInput> paths, RuntimeLayout layout, GenerationTable generations, UserInput given = UserInput.Runtime)
    {
        if (paths.Count == 0)
            throw new BadInputException($"No runtime file or folder was given{Remedy.Of(given)}.", FixText(layout, given));
        var candidates = new List<RuntimeMember>();
        var ignored = new List<IgnoredFile>();
        var folders = new List<VerifyInput>();
        foreach (var input in paths)
        {
            if (Directory.Exists(input.Path))
            {
                folders.Add(input);
                var before = candidates.Count;
                foreach (var file in Directory.EnumerateFiles(input.Path).Order(StringComparer.Ordinal))
                {
                    var display = Path.Combine(input.Display, Path.GetFileName(file));
                    if (ReadSharedOrNull(file, display, out var why) is { } obj) candidates.Add(Member(file, display, false, obj, layout, generations));
                    else ignored.Add(new IgnoredFile(file, display, why!));
                }
                if (candidates.Skip(before).All(c => !c.ExportsTvm))
                    throw new BadInputException(
                        $"{input.Display}{Remedy.Of(given)} holds no TVM runtime library: none of its {candidates.Count - before} shared librar{(candidates.Count - before == 1 ? "y" : "ies")} exports a TVM function (TVMFFI*, TVMBackend*).",
                        $"Pass the folder the app ships its native libraries in for this ABI (e.g. app/src/main/jniLibs/arm64-v8a/, not jniLibs/), or the runtime files themselves. {FixText(layout, given)}");
                continue;
            }
            if (!File.Exists(input.Path))
                throw new BadInputException($"{input.Display}{Remedy.Of(given)} does not exist.", FixText(layout, given));
            var shared = ArtifactReader.ReadObject(input.Path, input.Display);
            if (shared.Kind != ObjectKind.SharedLibrary)
                throw new BadInputException($"{input.Display}{Remedy.Of(given)} is {Article(shared.Describe())}, not a shared library.", FixText(layout, given));
            candidates.Add(Member(input.Path, input.Display, true, shared, layout, generations));
        }

        // Roots: every given file, and every folder file that exports a TVM function; then DT_NEEDED within the candidates.
        var members = new List<RuntimeMember>();
        var queue = new Queue<RuntimeMember>(candidates.Where(c => c.Given || c.ExportsTvm));
        var chosen = new HashSet<RuntimeMember>(ReferenceEqualityComparer.Instance);
        var missing = new List<MissingDependency>();
        while (queue.Count > 0)
        {
            var m = queue.Dequeue();
            if (!chosen.Add(m)) continue;
            members.Add(m);
            foreach (var need in m.Needed)
            {
                var found = candidates.FirstOrDefault(c => c.FileName == need) ?? candidates.FirstOrDefault(c => c.Soname == need);
                if (found is not null) queue.Enqueue(found);
                else missing.Add(new MissingDependency(m, need, VerifyOptions.SystemLibraryNames.Contains(need)));
            }
        }
        foreach (var c in candidates.Where(c => !chosen.Contains(c)))
            ignored.Add(new IgnoredFile(c.Path, c.Display, "exports no TVM function and no runtime file needs it (DT_NEEDED)"));

        if (members.All(m => !m.ExportsTvm))
        {
            var shown = string.Join(", ", members.Select(m => m.Display));
            var model = members.FirstOrDefault(IsModelLibrary);
            throw new BadInputException(
                model is not null
                    ? $"{model.Display}{Remedy.Of(given)} is a TVM model library, not a runtime: it defines a model's {BlobSuffixOf(model)} and exports no runtime function."
                    : $"{shown}{Remedy.Of(given)} export{(members.Count == 1 ? "s" : "")} no TVM runtime function (TVMFFI*, TVMBackend*): {(members.Count == 1 ? "it is" : "they are")} not a TVM runtime.",
                model is not null ? $"Verify it as a model library ({model.Display}), and pass AVA's runtime files{Remedy.Of(given)} instead." : FixText(layout, given));
        }

        var exports = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in members) exports.UnionWith(m.Exports);
        return new RuntimeSet
        {
            Given = paths,
            Input = given,
            Members = members,
            Ignored = ignored.OrderBy(i => i.Display, StringComparer.Ordinal).ToList(),
            Missing = missing,
            Layout = layout,
            Generations = generations,
            Exports = exports,
        };
    }

    /// <summary>How to name a runtime, for fixes: a standard build's two files, a folder holding them, or the packed file.</summary>
    internal static string FixText(RuntimeLayout layout, UserInput given)
    {
        var libs = layout.Parts.Select(p => p.Library).Reverse().ToList();
        return $"Pass AVA's runtime{Remedy.Of(given)}: the folder the app ships it in (app/src/main/jniLibs/arm64-v8a/), the files of a standard build ({string.Join(" and ", libs)}), or the packed {layout.Packed.Library}.";
    }

    private static bool IsModelLibrary(RuntimeMember m) =>
        m.Object is { } o && o.Exports.Any(s => s.Name.EndsWith("__tvm_ffi__library_bin", StringComparison.Ordinal)
                                                || s.Name.EndsWith("__tvm_dev_mblob", StringComparison.Ordinal)
                                                || s.Name.EndsWith("__tvm_ffi_library_bin", StringComparison.Ordinal));

    private static string BlobSuffixOf(RuntimeMember m) =>
        m.Object!.Exports.Select(s => s.Name).First(n => n.EndsWith("library_bin", StringComparison.Ordinal) || n.EndsWith("__tvm_dev_mblob", StringComparison.Ordinal));

    private static BinaryObject? ReadSharedOrNull(string file, string display, out string? why)
    {
        why = null;
        if (Path.GetFileName(file).StartsWith("._", StringComparison.Ordinal))
        {
            why = "macOS AppleDouble metadata";
            return null;
        }
        Span<byte> magic = stackalloc byte[4];
        using (var s = File.OpenRead(file))
            if (s.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !(magic[0] == 0x7f && magic[1] == (byte)'E' && magic[2] == (byte)'L' && magic[3] == (byte)'F'))
            {
                why = "not an ELF file";
                return null;
            }
        var obj = ArtifactReader.ReadObject(file, display);
        if (obj.Kind == ObjectKind.SharedLibrary) return obj;
        why = $"{Article(obj.Describe())}, not a shared library";
        return null;
    }

    internal static RuntimeMember Member(string path, string display, bool given, BinaryObject obj, RuntimeLayout layout, GenerationTable generations)
    {
        var exports = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in obj.Exports) exports.Add(s.Name);
        var parts = new Dictionary<string, int>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (var name in exports.Where(n => n.StartsWith("TVM", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (layout.PartOf(name) is { } part) parts[part.Id] = parts.GetValueOrDefault(part.Id) + 1;
            else other.Add(name);
        }
        return new RuntimeMember
        {
            Path = path,
            Display = display,
            Given = given,
            Soname = obj.Soname,
            Needed = obj.Needed,
            Description = obj.Describe(),
            Architecture = obj.Architecture,
            Exports = exports,
            PartExports = parts,
            OtherTvmExports = other,
            Generation = Diagnose(exports, layout, generations),
            Object = obj,
        };
    }

    /// <summary>The intersection of the ranges of every rule whose symbols the file exports.</summary>
    internal static RuntimeGeneration Diagnose(IReadOnlySet<string> exports, RuntimeLayout layout, GenerationTable generations)
    {
        int lo = 0, hi = generations.Order.Count;
        var evidence = new List<RuntimeGenerationEvidence>();
        foreach (var rule in layout.Generations)
        {
            var hits = rule.Exports.Where(exports.Contains).ToList();
            if (hits.Count == 0) continue;
            var rlo = rule.Since is null ? 0 : generations.IndexOf(rule.Since);
            var rhi = rule.Until is null ? generations.Order.Count : generations.IndexOf(rule.Until);
            evidence.Add(new RuntimeGenerationEvidence(rule.What, hits, rlo, rhi, rule.Evidence));
            lo = Math.Max(lo, rlo);
            hi = Math.Min(hi, rhi);
        }
        var label = evidence.Count == 0 ? "not diagnosed (exports none of the generation markers)"
            : lo >= hi ? "mixed (exports symbols of different TVM generations)"
            : ShortLabel(generations, lo, hi);
        return new RuntimeGeneration(lo, hi, evidence, label);
    }

    /// <summary>"≤ v0.20", "≥ v0.22", "v0.21", "v0.21 to v0.23".</summary>
    internal static string ShortLabel(GenerationTable g, int lo, int hi)
    {
        if (lo == 0) return "≤ " + g.Order[hi - 1]; // the first generation stands for every one before it
        if (hi - lo == 1) return g.Order[lo];
        if (hi >= g.Order.Count) return "≥ " + g.Order[lo];
        return $"{g.Order[lo]} to {g.Order[hi - 1]}";
    }

    private static string Article(string s) => ("aeiouAEIOU".Contains(s[0]) ? "an " : "a ") + s;
}
