using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Registry;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// The registry record of the build: the <see cref="ModelEntry"/> (schema <c>alc-registry-model/1</c>) made from the
/// packaged folder, the <c>.ALM</c>, the recipe and the verification report, checked against the schema and kept in the
/// stage folder (<see cref="Registrar.Keep"/>); the pipeline's <see cref="Registrar"/> then puts it into the registry once
/// dist/ holds the files it points at.
/// </summary>
public sealed class RegisterStage(LlmBuild build) : IStage<RegisteredEntry>
{
    public const string StageName = "register";

    public static readonly StageResult<RegisteredEntry> Output = new(StageName, PipelineJsonContext.Default.RegisteredEntry);

    public StageResult<RegisteredEntry> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [VerifyStage.StageName, PackageStage.StageName];

    public string EntryFile => build.Name.Value + ".json";

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 2).Add("quantization", build.Quantization);
        // The entry records the recipe file's hash: an edited recipe is a new entry even when no stage rebuilt.
        if (build.Recipe.Path is { } recipe) key.AddFile("recipe", recipe, context.HashCache);
    }

    public Task<StageOutcome<RegisteredEntry>> RunAsync(StageContext context)
    {
        var package = context.OutputOf(PackageStage.StageName);
        var packaged = context.ResultOf(PackageStage.Output);
        var packagePath = Path.Combine(package, build.Name.PackageFile);
        var entry = RegistryEntries.ForLlm(new LlmRegistration
        {
            DistDirectory = build.DistDirectory,
            Name = build.Name.Value,
            Recipe = build.Recipe,
            VerificationReport = Path.Combine(context.OutputOf(VerifyStage.StageName), "verification-report.json"),
            CompiledAt = RegistryEntries.CompiledAt(build.Environment),
            // Hashed while the package stage wrote it: the .ALM (gigabytes) is not read again.
            PackageDigest = packaged is { PackageSha256: { } sha, PackageXxHash128: { } xx }
                ? new FileDigest(packaged.PackageBytes, xx, sha)
                : context.HashCache.Get(packagePath),
            ModelFolder = Path.Combine(package, build.Name.Value),
            PackagePath = packagePath,
        });
        return Task.FromResult(Registrar.Keep(entry, context.OutputDirectory, EntryFile));
    }
}
