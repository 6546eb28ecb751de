using Ava.Compiler.IO;
using System.Globalization;
using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Naming;
using Ava.Compiler.Packaging;

namespace Ava.Compiler.Registry;

/// <summary>
/// An LLM build to register: the published model folder (<c>dist/models/llm/AVA-…/</c> with <c>alc-manifest.json</c>,
/// <c>mlc-chat-config.json</c>, <c>AVALibrary.ADco</c>, <c>AVA-….ADco</c>), its <c>.ALM</c>, the recipe and the
/// verification report the verify stage wrote.
/// </summary>
public sealed record LlmRegistration
{
    public required string DistDirectory { get; init; }

    public required string Name { get; init; }

    public required Recipes.Recipe Recipe { get; init; }

    public required string VerificationReport { get; init; }

    public required DateTimeOffset CompiledAt { get; init; }

    /// <summary>The .ALM's digest when the caller already has it (the package stage hashes it while writing; the .ALM can be gigabytes).</summary>
    public FileDigest? PackageDigest { get; init; }

    /// <summary>The model folder to read; dist/models/llm/&lt;name&gt;/ unless the build's own copy is named (the register stage reads its package output).</summary>
    public string ModelFolder { get => field ?? Path.Combine(DistDirectory, "models", "llm", Name); init; }

    public string PackagePath { get => field ?? Path.Combine(DistDirectory, Name + AvaName.PackageExtension); init; }
}

/// <summary>A published `.AON` build: <c>dist/models/&lt;name&gt;.{AON,vocab.txt,report.json,alc-manifest.json}</c>.</summary>
public sealed record AonRegistration
{
    public required string DistDirectory { get; init; }

    public required string Name { get; init; }

    public required Recipes.Recipe Recipe { get; init; }

    /// <summary>The longest input the model is used with (the recipe's max_tokens).</summary>
    public required int MaxTokens { get; init; }

    public required DateTimeOffset CompiledAt { get; init; }

    /// <summary>Where the package files are read; dist/models/ unless the build's own copy is named (the register stage reads its package output).</summary>
    public string ModelsDirectory { get => field ?? Path.Combine(DistDirectory, "models"); init; }
}

/// <summary>
/// Turns a published build into a <see cref="ModelEntry"/> (manifest + verification report + recipe → entry). Facts are
/// read from the files the pipeline wrote, never re-derived: a missing fact is bad input naming the file and the field.
/// </summary>
public static class RegistryEntries
{
    /// <summary>The build time to record: SOURCE_DATE_EPOCH when set (reproducible builds), else now.</summary>
    public static DateTimeOffset CompiledAt(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("SOURCE_DATE_EPOCH", out var e) && long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? DateTimeOffset.FromUnixTimeSeconds(s)
            : DateTimeOffset.UtcNow;

    /// <summary>The source commit of a build made from a local model folder instead of the Hub.</summary>
    public const string LocalSourceCommit = "local-folder";

    public static string IsoUtc(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A quantization is experimental when it is not the one the recipe ships by default: the others are built for
    /// comparison (e.g. q4bf16_1, q4f16_0 for Adreno) and have not been through AVA's on-device checks.
    /// </summary>
    public static EntryQuantization LlmQuantization(Recipes.Recipe recipe, string quantization) =>
        quantization == recipe.Llm?.Quantization
            ? new EntryQuantization(quantization, false)
            : new EntryQuantization(quantization, true, $"not the recipe's default quantization ({recipe.Llm?.Quantization ?? "none"})");

    public static ModelEntry ForLlm(LlmRegistration r)
    {
        var folder = r.ModelFolder;
        var manifestPath = Path.Combine(folder, PackageManifest.FileName);
        var manifest = ReadManifest(manifestPath);
        LlmPackageDetails details;
        try { details = LlmPackageDetails.From(manifest.Details); }
        catch (System.Text.Json.JsonException e)
        {
            throw new BadInputException($"Cannot register the build: {manifestPath} has an unreadable details{e.Path?.TrimStart('$')} ({e.Message}).",
                "Rebuild with 'alc compile' (the package stage writes the details; source.origin is 'huggingface' or 'local folder').");
        }
        string Need(string? value, string field) => value is { Length: > 0 } s ? s : throw Missing(manifestPath, field);

        var chatPath = Path.Combine(folder, "mlc-chat-config.json");
        if (!File.Exists(chatPath)) throw Missing(folder, "mlc-chat-config.json");
        var chat = JsonNode.Parse(File.ReadAllText(chatPath))!.AsObject();
        int? ChatInt(string key) => chat[key] is JsonValue v && v.TryGetValue<long>(out var x) ? (int)x : null;

        var quantization = Need(details.Quantization, "details.quantization");
        var toolchain = details.Toolchain ?? throw Missing(manifestPath, "details.toolchain");
        var source = details.Source ?? throw Missing(manifestPath, "details.source");
        var report = ReadReport(r.VerificationReport);
        var verdict = report.Node["verdict"]?.GetValue<string>();
        var library = report.Node["libraries"]?.AsArray().FirstOrDefault();

        var package = r.PackageDigest ?? (File.Exists(r.PackagePath) ? FileHasher.HashFile(r.PackagePath) : throw Missing(r.PackagePath, "the .ALM package"));
        var name = AvaName.Parse(r.Name);
        var rel = $"models/llm/{r.Name}";
        var artifacts = new List<EntryArtifact>
        {
            new(Path.GetFileName(r.PackagePath), Path.GetFileName(r.PackagePath), ArtifactRole.Package, package.Size, package.Sha256, package.XxHash128),
        };
        foreach (var (file, role) in new[] { (AvaName.RuntimeLibraryFile, ArtifactRole.HostLibrary), (name.DeviceCodeFile, ArtifactRole.DeviceLibrary) })
        {
            var f = manifest.Files.FirstOrDefault(x => x.Path == file) ?? throw Missing(manifestPath, $"files[{file}]");
            artifacts.Add(new EntryArtifact(file, $"{rel}/{file}", role, f.Size, f.Sha256, f.XxHash128));
        }

        return new ModelEntry
        {
            Name = r.Name,
            Kind = ModelEntry.KindLlm,
            Code = name.Code,
            Family = Need(details.ModelType, "details.modelType"),
            Size = name.Size,
            Quantization = LlmQuantization(r.Recipe, quantization),
            Recipe = RecipeOf(r.Recipe),
            // A build from a local folder (--source DIR) has no Hub commit to record; the entry says so rather than guess one.
            Source = source is { Origin: SourceOrigin.LocalFolder, Commit: null }
                ? new EntrySource(Need(source.Repo, "details.source.repo"), LocalSourceCommit)
                : new EntrySource(Need(source.Repo, "details.source.repo"), Need(source.Commit, "details.source.commit"), r.Recipe.Source.Revision),
            Toolchain = new EntryToolchain
            {
                TvmVersion = Need(toolchain.Tvm, "details.toolchain.tvm"),
                TvmCommit = Need(toolchain.TvmCommit, "details.toolchain.tvmCommit"),
                TvmFfiVersion = Need(toolchain.TvmFfi, "details.toolchain.tvmFfi"),
                MlcLlmCommit = Need(toolchain.MlcLlmCommit, "details.toolchain.mlcLlmCommit"),
                AbiProfile = Need(toolchain.AbiProfile, "details.toolchain.abiProfile"),
            },
            Model = new EntryModel
            {
                ContextWindowSize = ChatInt("context_window_size") ?? throw Missing(chatPath, "context_window_size"),
                PrefillChunkSize = ChatInt("prefill_chunk_size") ?? throw Missing(chatPath, "prefill_chunk_size"),
                SlidingWindowSize = ChatInt("sliding_window_size"),
                VocabSize = ChatInt("vocab_size") ?? throw Missing(chatPath, "vocab_size"),
                EstimatedVramBytes = details.EstimatedVramBytes ?? throw Missing(manifestPath, "details.estimatedVramBytes"),
                ModelLib = Need(details.ModelLib, "details.modelLib"),
                SystemLibPrefix = Need(details.SystemLibPrefix, "details.systemLibPrefix"),
            },
            CompiledAt = IsoUtc(r.CompiledAt),
            Verification = new EntryVerification(verdict == "accepted" ? VerificationStatus.Verified : VerificationStatus.Rejected, report.Sha256,
                library?["generation"]?.GetValue<string>(), report.Node["abi"]?.GetValue<string>()),
            Manifest = new EntryManifest($"{rel}/{PackageManifest.FileName}", FileHasher.HashFile(manifestPath).Sha256),
            Artifacts = artifacts.OrderBy(a => a.Path, StringComparer.Ordinal).ToList(),
        };
    }

    public static ModelEntry ForAon(AonRegistration r)
    {
        var dir = r.ModelsDirectory;
        var manifestPath = Path.Combine(dir, $"{r.Name}.{PackageManifest.FileName}");
        if (!File.Exists(manifestPath)) throw Missing(manifestPath, "the package manifest");
        var manifest = ReadManifestFile(manifestPath);
        var details = manifest.Details ?? [];
        var report = ReadReport(Path.Combine(dir, $"{r.Name}.report.json"));
        var v = report.Node["validation"] as JsonObject ?? throw Missing(report.Path, "validation");
        var src = details["source"] as JsonObject ?? throw Missing(manifestPath, "details.source");
        double D(string k) => v[k]?.GetValue<double>() ?? throw Missing(report.Path, "validation." + k);

        var vocabFile = $"{r.Name}.vocab.txt";
        var vocabPath = Path.Combine(dir, vocabFile);
        if (!File.Exists(vocabPath)) throw Missing(vocabPath, "the vocabulary");
        var vocabSize = File.ReadLines(vocabPath).Count(l => l.Length > 0);

        var artifacts = new List<EntryArtifact>();
        foreach (var (file, role) in new[] { ($"{r.Name}.AON", ArtifactRole.Model), (vocabFile, ArtifactRole.Vocab) })
        {
            var f = manifest.Files.FirstOrDefault(x => x.Path == file) ?? throw Missing(manifestPath, $"files[{file}]");
            artifacts.Add(new EntryArtifact(file, $"models/{file}", role, f.Size, f.Sha256, f.XxHash128));
        }
        var origin = src["origin"]?.GetValue<string>() ?? throw Missing(manifestPath, "details.source.origin");
        var passed = v["passed"]?.GetValue<bool>() == true && v["signatureIdentical"]?.GetValue<bool>() == true;
        return new ModelEntry
        {
            Name = r.Name,
            Kind = ModelEntry.KindOnnxEmbedding,
            Code = r.Recipe.Code,
            Family = "bert",
            Size = r.Recipe.Size,
            Quantization = new EntryQuantization(
                details["quantization"]?["perChannel"]?.GetValue<bool>() == true ? "int8-dynamic-per-channel" : "int8-dynamic-per-tensor", false),
            Recipe = RecipeOf(r.Recipe),
            // An embedded or local model has no Hub commit: the source file's SHA-256 identifies it instead.
            Source = new EntrySource(origin.StartsWith("hf:", StringComparison.Ordinal) ? r.Recipe.Source.HfRepo : origin,
                src["commit"]?.GetValue<string>() ?? src["modelSha256"]?.GetValue<string>() ?? throw Missing(manifestPath, "details.source.modelSha256"),
                origin.StartsWith("hf:", StringComparison.Ordinal) ? r.Recipe.Source.Revision : null),
            Toolchain = new EntryToolchain { OnnxRuntimeVersion = OnnxRuntimeVersion() },
            Model = new EntryModel
            {
                ContextWindowSize = r.MaxTokens,
                VocabSize = vocabSize,
                Dimensions = int.TryParse(r.Recipe.Code, NumberStyles.None, CultureInfo.InvariantCulture, out var dims) ? dims : null,
            },
            CompiledAt = IsoUtc(r.CompiledAt),
            Verification = new EntryVerification(passed ? VerificationStatus.Verified : VerificationStatus.Rejected, report.Sha256),
            Manifest = new EntryManifest($"models/{Path.GetFileName(manifestPath)}", FileHasher.HashFile(manifestPath).Sha256),
            Artifacts = artifacts.OrderBy(a => a.Path, StringComparer.Ordinal).ToList(),
            Accuracy = new EntryAccuracy(D("meanCosine"), D("minCosine"), D("requiredMeanCosine"), D("requiredMinCosine"),
                (int)D("sentences"), v["signatureIdentical"]?.GetValue<bool>() == true, v["sizeRatio"]?.GetValue<double>()),
        };
    }

    private static string OnnxRuntimeVersion()
    {
        var v = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version!;
        return $"{v.Major}.{v.Minor}.{v.Build}";
    }

    private static EntryRecipe RecipeOf(Recipes.Recipe recipe)
    {
        if (recipe.Path is null || !File.Exists(recipe.Path))
            throw new BadInputException($"The recipe '{recipe.Name}' was not read from a file, so its hash cannot be recorded.", "Load the recipe from recipes/ (RecipeLoader.Load).");
        return new EntryRecipe(recipe.Name, FileHasher.HashFile(recipe.Path).Sha256);
    }

    private static PackageManifest ReadManifest(string path)
    {
        if (!File.Exists(path)) throw Missing(path, "the package manifest");
        return ReadManifestFile(path);
    }

    private static PackageManifest ReadManifestFile(string path) =>
        System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(path), PackageManifest.Json.TypeInfo<PackageManifest>())
        ?? throw Missing(path, "the package manifest");

    private static (JsonObject Node, string Sha256, string Path) ReadReport(string path)
    {
        if (!File.Exists(path)) throw Missing(path, "the verification report");
        return (JsonNode.Parse(File.ReadAllText(path))!.AsObject(), FileHasher.HashFile(path).Sha256, path);
    }

    private static BadInputException Missing(string file, string field) =>
        new($"Cannot register the build: {file} lacks {field}.", "Rebuild with 'alc compile' (the register step reads the manifest, reports and configs the earlier stages write).");
}
