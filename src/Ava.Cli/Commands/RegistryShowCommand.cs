using Ava.Compiler.Registry;
using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry show NAME</c>: one entry with its artifacts and history.</summary>
public sealed class RegistryShowCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry show", "Show one registry entry: build facts, artifacts and history.")
    {
        Positionals = [new PositionalSpec("name", "AVA name, e.g. AVA-GE3-4B16.")],
        Options = [RegistryOptions.Directory],
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var m = registry.GetModel(input.PositionalValue("name")!);
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new RegistryShowJson { ok = true, path = registry.ModelPath(m.Name), entry = m }, RegistryShowJsonContext.Output.RegistryShowJson);
            return Task.FromResult(0);
        }
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string k, string? v) => grid.AddRow($"[bold]{k}[/]", Markup.Escape(v ?? "-"));
        Row("name", $"{m.Name} ({m.Kind}, {m.Family}, code {m.Code}, size {m.Size})");
        Row("quantization", m.Quantization.Name + (m.Quantization.Experimental ? $" — experimental: {m.Quantization.Note}" : ""));
        Row("recipe", $"{m.Recipe.Name} (sha256 {m.Recipe.Sha256})");
        Row("source", $"{m.Source.Repo} @ {m.Source.Commit}" + (m.Source.Revision is { } r ? $" ({r})" : ""));
        var t = m.Toolchain;
        if (t.TvmVersion is not null) Row("toolchain", $"TVM {t.TvmVersion} ({t.TvmCommit}), tvm-ffi {t.TvmFfiVersion}, MLC-LLM {t.MlcLlmCommit}, ABI {t.AbiProfile}");
        if (t.OnnxRuntimeVersion is not null) Row("toolchain", $"ONNX Runtime {t.OnnxRuntimeVersion}");
        Row("context / prefill / sliding", $"{m.Model.ContextWindowSize} / {m.Model.PrefillChunkSize?.ToString() ?? "-"} / {m.Model.SlidingWindowSize?.ToString() ?? "-"}");
        Row("vocab", m.Model.VocabSize.ToString());
        if (m.Model.EstimatedVramBytes is { } vram) Row("estimated VRAM", $"{vram:N0} bytes");
        if (m.Model.ModelLib is not null) Row("model_lib / prefix", $"{m.Model.ModelLib} / {m.Model.SystemLibPrefix}");
        Row("compiled", m.CompiledAt);
        Row("verification", $"{m.Verification.Status.ToString().ToLowerInvariant()} (report sha256 {m.Verification.ReportSha256})" + (m.Verification.Generation is { } g ? $", {g}" : ""));
        if (m.Accuracy is { } a)
            Row("accuracy gate", $"mean cosine {a.MeanCosine:F4} (≥ {a.RequiredMeanCosine:F2}), min {a.MinCosine:F4} (≥ {a.RequiredMinCosine:F2}) over {a.Sentences} sentences, signature {(a.SignatureIdentical ? "identical" : "CHANGED")}");
        Row("manifest", $"{m.Manifest.Path} (sha256 {m.Manifest.Sha256})");
        if (m.Attestation is { } at) Row("attestation", $"{at.Id}: {at.Url}");
        context.Human.Write(grid);
        var table = new Table().AddColumns("artifact", "role", "bytes", "sha256", "xxHash128", "release URL");
        foreach (var f in m.Artifacts)
            table.AddRow(Markup.Escape(f.Path), f.Role.ToString(), f.Size.ToString("N0"), f.Sha256, f.XxHash128, Markup.Escape(f.ReleaseUrl ?? "-"));
        context.Human.Write(table);
        if (m.History.Count > 0)
        {
            var h = new Table().Title("history").AddColumns("compiled", "replaced", "verification", "manifest sha256", "artifacts");
            foreach (var line in m.History)
                h.AddRow(line.CompiledAt, line.ReplacedAt, line.Verification.ToString().ToLowerInvariant(), line.ManifestSha256,
                    Markup.Escape(string.Join(", ", line.Artifacts.Select(x => $"{x.File} {x.Sha256[..12]}…"))));
            context.Human.Write(h);
        }
        return Task.FromResult(0);
    }
}

/// <summary>'alc registry show --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record RegistryShowJson
{
    public required bool ok { get; init; }
    public required string path { get; init; }
    public required ModelEntry entry { get; init; }
}

[JsonSerializable(typeof(RegistryShowJson))]
internal sealed partial class RegistryShowJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static RegistryShowJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
