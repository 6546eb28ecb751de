using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.Registry;

/// <summary>What <see cref="ModelRegistry.Register"/> did.</summary>
public enum RegisterChange
{
    /// <summary>No entry had this name.</summary>
    Created,

    /// <summary>The entry already described exactly this artifact: the file was not touched.</summary>
    Unchanged,

    /// <summary>Same artifacts, other facts changed (e.g. a release URL was added): rewritten without a history line.</summary>
    Updated,

    /// <summary>Other artifacts: the entry was replaced and the previous build became a history line.</summary>
    Replaced,
}

public sealed record RegisterResult(ModelEntry Entry, RegisterChange Change, string Path);

/// <summary>A registry file that failed to parse or to match its schema.</summary>
public sealed record RegistryFileProblem(string Path, IReadOnlyList<SchemaProblem> Problems);

/// <summary>
/// The registry: JSON files in the repository (<c>registry/models/*.json</c>, <c>registry/ab/*.json</c>), committed by
/// the Action. Every write is atomic and canonical (<see cref="RegistryJson"/>); every read is validated against its
/// schema, so a hand-edited file with a mistake is reported by field, never half-used.
/// </summary>
public sealed class ModelRegistry(string root)
{
    public string Root { get; } = System.IO.Path.GetFullPath(root);

    public string ModelsDirectory => System.IO.Path.Combine(Root, "models");

    public string AbDirectory => System.IO.Path.Combine(Root, "ab");

    public string ModelPath(string name) => System.IO.Path.Combine(ModelsDirectory, name + ".json");

    public string AbPath(string id) => System.IO.Path.Combine(AbDirectory, id + ".json");

    /// <summary>
    /// Records a build. The same artifacts again (by SHA-256) leave the file byte-identical; other artifacts replace the
    /// entry and push the previous build into <see cref="ModelEntry.History"/>. An entry that does not match the schema is
    /// refused (it is a bug in the caller, reported as bad input naming every field).
    /// </summary>
    public RegisterResult Register(ModelEntry entry)
    {
        var problems = RegistrySchemas.ValidateModel(JsonNode.Parse(RegistryJson.Serialize(entry))!);
        if (problems.Count > 0)
            throw new BadInputException($"The registry entry for {entry.Name} is not valid: {string.Join("; ", problems)}.",
                "Rebuild the model so its manifest carries these facts, or fix them and register again.");

        var path = ModelPath(entry.Name);
        var existing = File.Exists(path) ? LoadModel(path) : null;
        ModelEntry next;
        RegisterChange change;
        if (existing is null)
        {
            next = entry with { History = [] };
            change = RegisterChange.Created;
        }
        else if (SameArtifacts(existing, entry))
        {
            // The same bytes were built before: keep when they were first compiled and any release URL or
            // attestation already known (a local rebuild does not know them).
            next = entry with
            {
                CompiledAt = existing.CompiledAt,
                Attestation = entry.Attestation ?? existing.Attestation,
                History = existing.History,
                Artifacts = entry.Artifacts.Select(a => a.ReleaseUrl is null
                    ? a with { ReleaseUrl = existing.Artifacts.FirstOrDefault(e => e.Path == a.Path)?.ReleaseUrl }
                    : a).ToList(),
            };
            change = RegistryJson.Serialize(next) == File.ReadAllText(path) ? RegisterChange.Unchanged : RegisterChange.Updated;
        }
        else
        {
            var line = new EntryHistory(existing.CompiledAt, entry.CompiledAt, existing.Manifest.Sha256, existing.Verification.Status,
                existing.Artifacts.Select(a => new EntryHistoryArtifact(a.File, a.Sha256)).ToList());
            next = entry with { History = [.. existing.History, line] };
            change = RegisterChange.Replaced;
        }
        if (change != RegisterChange.Unchanged) AtomicFile.WriteAllText(path, RegistryJson.Serialize(next));
        return new RegisterResult(next, change, path);
    }

    private static bool SameArtifacts(ModelEntry a, ModelEntry b) =>
        a.Artifacts.Count == b.Artifacts.Count &&
        a.Artifacts.OrderBy(x => x.Path, StringComparer.Ordinal).Zip(b.Artifacts.OrderBy(x => x.Path, StringComparer.Ordinal))
            .All(p => p.First.Path == p.Second.Path && p.First.Sha256 == p.Second.Sha256);

    /// <summary>Every entry name (file names under models/), sorted.</summary>
    public IReadOnlyList<string> ModelNames() => Names(ModelsDirectory);

    public IReadOnlyList<string> AbIds() => Names(AbDirectory);

    private static IReadOnlyList<string> Names(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.json").Select(p => System.IO.Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal).ToList()
            : [];

    public bool HasModel(string name) => File.Exists(ModelPath(name));

    public ModelEntry GetModel(string name)
    {
        var path = ModelPath(name);
        if (!File.Exists(path))
            throw new BadInputException($"The registry at {Root} has no model '{name}'{Known(ModelNames())}.",
                "Use an AVA name from 'alc registry list', or build the model with 'alc compile' first.");
        return LoadModel(path);
    }

    public IReadOnlyList<ModelEntry> Models() => ModelNames().Select(GetModel).ToList();

    public AbExperiment GetAb(string id)
    {
        var path = AbPath(id);
        if (!File.Exists(path))
            throw new BadInputException($"The registry at {Root} has no A/B experiment '{id}'{Known(AbIds())}.",
                "Create it with 'alc registry ab create', or pick one from 'alc registry ab show'.");
        return LoadAb(path);
    }

    public string SaveAb(AbExperiment experiment)
    {
        var problems = RegistrySchemas.ValidateAb(JsonNode.Parse(RegistryJson.Serialize(experiment))!);
        if (problems.Count > 0)
            throw new BadInputException($"The A/B experiment '{experiment.Id}' is not valid: {string.Join("; ", problems)}.", "Fix these fields and try again.");
        var path = AbPath(experiment.Id);
        AtomicFile.WriteAllText(path, RegistryJson.Serialize(experiment));
        return path;
    }

    /// <summary>Reads and schema-checks every file; a file whose name differs from the name inside it is a problem too.</summary>
    public IReadOnlyList<RegistryFileProblem> CheckFiles()
    {
        var found = new List<RegistryFileProblem>();
        foreach (var (dir, validate, key) in new (string, Func<JsonNode, IReadOnlyList<SchemaProblem>>, string)[]
                 {
                     (ModelsDirectory, RegistrySchemas.ValidateModel, "name"),
                     (AbDirectory, RegistrySchemas.ValidateAb, "id"),
                 })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var path in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
            {
                var (node, parseProblem) = Parse(path);
                var problems = parseProblem is not null ? [parseProblem] : validate(node!).ToList();
                if (parseProblem is null && node![key] is JsonValue v && v.TryGetValue<string>(out var inside) && inside != System.IO.Path.GetFileNameWithoutExtension(path))
                    problems.Add(new SchemaProblem(key, $"is '{inside}' but the file is named {System.IO.Path.GetFileName(path)}: the file name must be the {key}"));
                if (problems.Count > 0) found.Add(new RegistryFileProblem(path, problems));
            }
        }
        return found;
    }

    public static ModelEntry LoadModel(string path) => Load<ModelEntry>(path, RegistrySchemas.ValidateModel, "registry entry");

    public static AbExperiment LoadAb(string path) => Load<AbExperiment>(path, RegistrySchemas.ValidateAb, "A/B experiment");

    private static T Load<T>(string path, Func<JsonNode, IReadOnlyList<SchemaProblem>> validate, string what)
    {
        var (node, parseProblem) = Parse(path);
        var problems = parseProblem is not null ? [parseProblem] : validate(node!);
        if (problems.Count > 0)
            throw new BadInputException($"The {what} {path} is not valid: {string.Join("; ", problems)}.",
                "Fix the named fields (schemas/ in the alc repository describes each one), or re-register the model from its build.");
        return RegistryJson.Deserialize<T>(node!);
    }

    private static (JsonNode? Node, SchemaProblem? Problem) Parse(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o ? (o, null) : (null, new SchemaProblem("(top level)", "is not a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, new SchemaProblem("(file)", $"is not JSON: {e.Message}"));
        }
    }

    private static string Known(IReadOnlyList<string> names) => names.Count == 0 ? " (it is empty)" : $" (it has {string.Join(", ", names)})";
}
