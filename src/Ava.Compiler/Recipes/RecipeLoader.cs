using Ava.Compiler.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Ava.Compiler.Recipes;

/// <summary>
/// Reads recipes from YAML. Unknown keys, missing fields and wrong types are bad input (exit 2) naming the file,
/// the line and the fix; the facts (model type, quantization, template) are checked by <see cref="RecipeChecker"/>.
/// </summary>
public static class RecipeLoader
{
    public const int SchemaVersion = 1;

    private static readonly IDeserializer Yaml = new StaticDeserializerBuilder(new RecipeYamlContext())
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>
    /// The recipes folder: the configured one (ALC_RECIPES / --recipes); else <c>recipes/</c> in the working folder (a
    /// repository keeping its own recipes); else the nearest alc checkout's above it; else the recipes installed beside
    /// alc (the container and release layouts ship them there).
    /// </summary>
    public static string FindDirectory(string workingDirectory, string? configured)
    {
        if (configured is not null) return configured;
        var own = System.IO.Path.Combine(workingDirectory, "recipes");
        if (Directory.Exists(own) && Directory.EnumerateFiles(own, "*.yml").Any()) return own;
        for (var d = new DirectoryInfo(workingDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(System.IO.Path.Combine(d.FullName, "recipes")) && File.Exists(System.IO.Path.Combine(d.FullName, "Directory.Packages.props")))
                return System.IO.Path.Combine(d.FullName, "recipes");
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(System.IO.Path.Combine(d.FullName, "recipes"))
                && (d.FullName == new DirectoryInfo(AppContext.BaseDirectory).FullName || File.Exists(System.IO.Path.Combine(d.FullName, "Directory.Packages.props"))))
                return System.IO.Path.Combine(d.FullName, "recipes");
        throw new BadInputException("Cannot find the recipes folder.",
            "Run alc from a folder that has recipes/ (or from the alc checkout), or set ALC_RECIPES to the folder that holds the *.yml recipes.");
    }

    public static IReadOnlyList<Recipe> LoadAll(string directory) =>
        Directory.EnumerateFiles(directory, "*.yml").Order(StringComparer.Ordinal).Select(LoadFile).ToList();

    /// <summary>A recipe by name (the file name without .yml), with the known names in the error when it is missing.</summary>
    public static Recipe Load(string directory, string name)
    {
        var path = System.IO.Path.Combine(directory, name + ".yml");
        if (name.Contains('/') || name.Contains('\\') || !File.Exists(path))
        {
            IEnumerable<string?> known = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*.yml").Select(System.IO.Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)
                : [];
            throw new BadInputException($"There is no recipe named '{name}' in {directory}.",
                $"Use one of: {string.Join(", ", known)} ('alc recipes list'), or add recipes/{name}.yml.");
        }
        return LoadFile(path);
    }

    public static Recipe LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static Recipe Parse(string yaml, string path)
    {
        RecipeFile file;
        try
        {
            file = Yaml.Deserialize<RecipeFile>(yaml) ?? throw Bad(path, "the file is empty");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw Bad(path, $"line {e.Start.Line}: {inner}");
        }

        if (file.Schema != SchemaVersion) throw Bad(path, $"'schema' must be {SchemaVersion} (found {file.Schema?.ToString() ?? "nothing"})");
        var name = Required(path, "name", file.Name);
        var expected = System.IO.Path.GetFileNameWithoutExtension(path);
        if (name != expected) throw Bad(path, $"'name' is '{name}' but the file is {expected}.yml; they must match");
        var kind = Required(path, "kind", file.Kind);
        if (kind is not (Recipe.KindLlm or Recipe.KindOnnxEmbedding))
            throw Bad(path, $"'kind' must be '{Recipe.KindLlm}' or '{Recipe.KindOnnxEmbedding}', not '{kind}'");
        if (file.Ava is null) throw Bad(path, "the 'ava' section (code, size) is missing");
        if (file.Source is null) throw Bad(path, "the 'source' section (hf_repo, revision) is missing");

        LlmRecipe? llm = null;
        if (kind == Recipe.KindLlm)
        {
            var l = file.Llm ?? throw Bad(path, "an 'llm' recipe needs an 'llm' section (model_type, conv_template, quantization, quantizations, device_memory_mb)");
            var quant = Required(path, "llm.quantization", l.Quantization);
            var quants = l.Quantizations is { Count: > 0 } q ? q : [quant];
            if (!quants.Contains(quant)) throw Bad(path, $"the default quantization '{quant}' must be listed in 'llm.quantizations'");
            if (quants.Distinct().Count() != quants.Count) throw Bad(path, "'llm.quantizations' lists a name twice");
            llm = new LlmRecipe
            {
                ModelType = Required(path, "llm.model_type", l.ModelType),
                ConvTemplate = Required(path, "llm.conv_template", l.ConvTemplate),
                Quantization = quant,
                Quantizations = quants,
                DeviceMemoryMb = l.DeviceMemoryMb is > 0 ? l.DeviceMemoryMb.Value : throw Bad(path, "'llm.device_memory_mb' must be a positive number of MiB"),
                Overrides = new LlmOverrides
                {
                    ContextWindowSize = Positive(path, "context_window_size", l.Overrides?.ContextWindowSize),
                    PrefillChunkSize = Positive(path, "prefill_chunk_size", l.Overrides?.PrefillChunkSize),
                    SlidingWindowSize = Positive(path, "sliding_window_size", l.Overrides?.SlidingWindowSize),
                    MaxBatchSize = Positive(path, "max_batch_size", l.Overrides?.MaxBatchSize),
                },
            };
        }
        else if (file.Onnx is null)
        {
            throw Bad(path, "an 'onnx-embedding' recipe needs an 'onnx' section");
        }

        return new Recipe
        {
            Name = name,
            Kind = kind,
            Description = file.Description,
            Code = Required(path, "ava.code", file.Ava.Code),
            Size = Required(path, "ava.size", file.Ava.Size),
            Source = new RecipeSource(Required(path, "source.hf_repo", file.Source.HfRepo), file.Source.Revision ?? "main"),
            Llm = llm,
            Onnx = file.Onnx,
            Unsupported = file.Unsupported,
            Path = path,
        };
    }

    private static string Required(string path, string key, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw Bad(path, $"'{key}' is missing") : value.Trim();

    private static int? Positive(string path, string key, int? value) =>
        value is null or > 0 ? value : throw Bad(path, $"'llm.overrides.{key}' must be a positive number");

    private static BadInputException Bad(string path, string what) =>
        new($"The recipe {path} is invalid: {what}.", "Fix the recipe (see the other files in recipes/ and the README's recipe section), then run 'alc recipes check'.");

    // YAML shape (snake_case keys). Unknown keys are rejected by YamlDotNet, so a typo never passes silently.
    internal sealed class RecipeFile
    {
        public int? Schema { get; set; }
        public string? Name { get; set; }
        public string? Kind { get; set; }
        public string? Description { get; set; }
        public string? Unsupported { get; set; }
        public AvaSection? Ava { get; set; }
        public SourceSection? Source { get; set; }
        public LlmSection? Llm { get; set; }
        public Dictionary<string, object?>? Onnx { get; set; }
    }

    internal sealed class AvaSection
    {
        public string? Code { get; set; }
        public string? Size { get; set; }
    }

    internal sealed class SourceSection
    {
        public string? HfRepo { get; set; }
        public string? Revision { get; set; }
    }

    internal sealed class LlmSection
    {
        public string? ModelType { get; set; }
        public string? ConvTemplate { get; set; }
        public string? Quantization { get; set; }
        public List<string>? Quantizations { get; set; }
        public int? DeviceMemoryMb { get; set; }
        public OverridesSection? Overrides { get; set; }
    }

    internal sealed class OverridesSection
    {
        public int? ContextWindowSize { get; set; }
        public int? PrefillChunkSize { get; set; }
        public int? SlidingWindowSize { get; set; }
        public int? MaxBatchSize { get; set; }
    }
}

/// <summary>The generated (reflection-free) YAML reader of the recipe file shape.</summary>
[YamlStaticContext]
[YamlSerializable(typeof(RecipeLoader.RecipeFile))]
[YamlSerializable(typeof(RecipeLoader.AvaSection))]
[YamlSerializable(typeof(RecipeLoader.SourceSection))]
[YamlSerializable(typeof(RecipeLoader.LlmSection))]
[YamlSerializable(typeof(RecipeLoader.OverridesSection))]
public partial class RecipeYamlContext : StaticContext;
