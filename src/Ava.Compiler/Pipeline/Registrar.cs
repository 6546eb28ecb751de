using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;
using Ava.Compiler.Registry;

namespace Ava.Compiler.Pipeline;

/// <summary>The register stage's result in both pipelines: the checked entry file it kept (in its folder).</summary>
public sealed record RegisteredEntry(string Entry);

/// <summary>
/// The one registration step of both pipelines, in two halves. Inside the engine a register stage (<c>register</c>,
/// <c>aon-register</c>) checks its <see cref="ModelEntry"/> against the schema and keeps it in its folder
/// (<see cref="Keep"/>); after the engine, once dist/ holds the files the entry points at, the pipeline writes it into
/// <c>registry/models/&lt;AVA name&gt;.json</c> (<see cref="Register"/>), every run, so a registry folder that was moved,
/// emptied or edited gets the entry back. <c>alc compile</c> and the Action write the same record.
/// </summary>
public sealed class Registrar(string registryDirectory)
{
    /// <summary>Checks an entry against the schema and keeps it as <paramref name="file"/> in the stage's folder.</summary>
    public static StageOutcome<RegisteredEntry> Keep(ModelEntry entry, string outputDirectory, string file)
    {
        var text = RegistryJson.Serialize(entry);
        var problems = RegistrySchemas.ValidateModel(JsonNode.Parse(text)!);
        if (problems.Count > 0)
            throw new BadInputException($"The registry entry for {entry.Name} is not valid: {string.Join("; ", problems)}.",
                "Rebuild the model so its manifest carries these facts ('alc compile' writes them all).");
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, file), text);
        return new StageOutcome<RegisteredEntry>($"{entry.Name}: {entry.Verification.Status.ToString().ToLowerInvariant()}, {entry.Artifacts.Count} artifacts",
            new RegisteredEntry(file));
    }

    /// <summary>Writes the entry the register stage kept into the registry (the same bytes again: untouched).</summary>
    public RegisterResult Register(StageResult<RegisteredEntry> stage, IEnumerable<StageRecord> records)
    {
        var record = records.Single(r => r.Name == stage.Stage);
        return new ModelRegistry(registryDirectory).Register(ModelRegistry.LoadModel(Path.Combine(record.Directory, stage.Of(record).Entry)));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RegisteredEntry))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
