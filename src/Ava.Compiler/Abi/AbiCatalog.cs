using Ava.Compiler.IO;
using System.Text.Json;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Abi;

/// <summary>
/// Loads ABI profiles, the generation table and targets. Looks in an abi folder first (<c>$ALC_HOME/abi</c> or one given
/// by the caller), then in the copies built into alc, so a profile dropped into abi/ works without a rebuild.
/// <c>--abi</c> may also be a path to a profile JSON; its generation table is taken from beside it when present.
/// </summary>
public sealed class AbiCatalog
{
    public const string DefaultProfile = "tvm-v0.22.0";
    public const string DefaultTarget = "android-arm64";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = AbiJsonContext.Default,
    };

    private readonly string? _directory;

    public AbiCatalog(string? abiDirectory = null) => _directory = abiDirectory;

    /// <summary>The catalog for a process: <c>$ALC_HOME/abi</c> when that exists.</summary>
    public static AbiCatalog FromEnvironment(IReadOnlyDictionary<string, string> environment) =>
        new(environment.TryGetValue("ALC_HOME", out var home) && home.Length > 0 && Directory.Exists(Path.Combine(home, "abi"))
            ? Path.Combine(home, "abi") : null);

    /// <summary>Profile ids available (folder and built-in).</summary>
    public IReadOnlyList<string> ProfileIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in typeof(AbiCatalog).Assembly.GetManifestResourceNames())
            if (name.StartsWith("abi/", StringComparison.Ordinal) && IsProfileFile(name[4..])) ids.Add(Path.GetFileNameWithoutExtension(name[4..]));
        if (_directory is not null)
            foreach (var f in Directory.EnumerateFiles(_directory, "*.json"))
                if (IsProfileFile(Path.GetFileName(f))) ids.Add(Path.GetFileNameWithoutExtension(f));
        return ids.ToList();
    }

    private static bool IsProfileFile(string fileName) => fileName is not ("generations.json" or "targets.json" or "runtime-layout.json" or Abi.Tvm4jNatives.FileName);

    public AbiProfile LoadProfile(string idOrPath)
    {
        string text, source;
        string? besideDir = null;
        if (idOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || idOrPath.Contains('/') || idOrPath.Contains('\\'))
        {
            var full = Path.GetFullPath(idOrPath);
            if (!File.Exists(full))
                throw new BadInputException($"ABI profile file {idOrPath} does not exist.", $"Pass a profile id ({string.Join(", ", ProfileIds())}) or the path of a profile JSON.");
            text = File.ReadAllText(full);
            source = idOrPath;
            besideDir = Path.GetDirectoryName(full);
        }
        else
        {
            (text, source) = ReadData(idOrPath + ".json")
                ?? throw new BadInputException($"Unknown ABI profile '{idOrPath}'.", $"Use one of: {string.Join(", ", ProfileIds())}, or pass the path of a profile JSON.");
        }

        var profile = Parse<AbiProfile>(text, source);
        var generationsText = besideDir is not null && File.Exists(Path.Combine(besideDir, "generations.json"))
            ? (File.ReadAllText(Path.Combine(besideDir, "generations.json")), Path.Combine(besideDir, "generations.json"))
            : ReadData("generations.json") ?? throw new BadInputException("The TVM generation table abi/generations.json is missing.", "Restore it from the alc repository.");
        var generations = Parse<GenerationTable>(generationsText.Item1, generationsText.Item2);
        Validate(profile, generations, source);
        return profile with { Generations = generations };
    }

    /// <summary>How runtimes are split into files and how their generation shows (abi/runtime-layout.json).</summary>
    public RuntimeLayout LoadRuntimeLayout()
    {
        var (text, source) = ReadData("runtime-layout.json") ?? throw new BadInputException("The runtime layout abi/runtime-layout.json is missing.", "Restore it from the alc repository.");
        return Parse<RuntimeLayout>(text, source);
    }

    public IReadOnlyList<TargetSpec> Targets()
    {
        var (text, source) = ReadData("targets.json") ?? throw new BadInputException("The target table abi/targets.json is missing.", "Restore it from the alc repository.");
        return Parse<TargetFile>(text, source).Targets;
    }

    public TargetSpec Target(string id)
    {
        var all = Targets();
        return all.FirstOrDefault(t => t.Id == id)
               ?? throw new BadInputException($"Unknown target '{id}'.", $"Use one of: {string.Join(", ", all.Select(t => t.Id))}.");
    }

    /// <summary>The native methods of tvm4j at each TVM tag (abi/tvm4j-natives.json): what the app chain proof checks.</summary>
    public Tvm4jNatives Tvm4jNatives()
    {
        var (text, source) = ReadData(Abi.Tvm4jNatives.FileName) ?? throw new BadInputException($"The tvm4j native-method table abi/{Abi.Tvm4jNatives.FileName} is missing.", "Restore it from the alc repository.");
        var table = Parse<Tvm4jNatives>(text, source);
        if (table.Generations.Count == 0 || table.Generations.Any(g => g.Natives.Count == 0))
            throw new BadInputException($"{source} lists no tvm4j generation or a generation without natives.", "Restore it from the alc repository.");
        return table;
    }

    private (string Text, string Source)? ReadData(string fileName)
    {
        if (_directory is not null && File.Exists(Path.Combine(_directory, fileName)))
            return (File.ReadAllText(Path.Combine(_directory, fileName)), Path.Combine(_directory, fileName));
        using var stream = typeof(AbiCatalog).Assembly.GetManifestResourceStream("abi/" + fileName);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), "abi/" + fileName + " (built in)");
    }

    private static T Parse<T>(string text, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(text, Json.TypeInfo<T>()) ?? throw new JsonException("the document is null");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source} is not a valid alc ABI file: {e.Message}", "Fix the JSON (see abi/tvm-v0.22.0.json for the shape) or restore the file.");
        }
    }

    private static void Validate(AbiProfile p, GenerationTable g, string source)
    {
        var known = g.Order.ToHashSet();
        var references = p.HostObject.References.Concat(p.DeviceObject.References).Concat(p.SharedLibrary?.References ?? []);
        foreach (var r in references)
            if (r.Required is not (ReferenceRule.Always or ReferenceRule.WithDeviceModule or ReferenceRule.Optional))
                throw new BadInputException($"{source} says reference {r.Symbol} is required '{r.Required}'.",
                    $"Use '{ReferenceRule.Always}', '{ReferenceRule.WithDeviceModule}' or '{ReferenceRule.Optional}'.");
        if (!known.Contains(p.Generation))
            throw new BadInputException($"{source} names generation '{p.Generation}', which abi/generations.json does not list ({string.Join(", ", g.Order)}).",
                "Use a generation id from generations.json 'order', or add the generation there.");
        foreach (var m in g.Markers)
        {
            if ((m.Since is not null && !known.Contains(m.Since)) || (m.Until is not null && !known.Contains(m.Until)))
                throw new BadInputException($"abi/generations.json marker {m.Display} names an unknown generation.", "Use ids from 'order'.");
            if ((m.Symbol is null ? 0 : 1) + (m.Suffix is null ? 0 : 1) + (m.Prefix is null ? 0 : 1) != 1)
                throw new BadInputException("abi/generations.json has a marker without exactly one of symbol, suffix or prefix.", "Give each marker one of them.");
        }
    }

}

internal sealed record TargetFile(IReadOnlyList<TargetSpec> Targets);
