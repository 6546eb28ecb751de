using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.IO;
using Ava.Compiler.Registry;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry app-config [--ab ID | --models A,B] -o FILE</c>: the app's mlc-app-config.json.</summary>
public sealed class RegistryAppConfigCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry app-config", "Write the app's model list (mlc-app-config.json shape + AVA fields) for an experiment or a list of models.")
    {
        Options =
        [
            OptionSpec.Value("--ab", "ID", "Ship this A/B experiment's arms (it must validate, link proof included)."),
            OptionSpec.Value("--models", "A,B", "Ship these registry models (LLMs and .AON NLU models)."),
            OptionSpec.Flag("--local", "Also write ava_model_path (models/llm/<name>, the folder bundled in the app's assets)."),
            OptionSpec.Value("-o", "FILE", "Where to write (e.g. app/src/main/assets/mlc-app-config.json); required unless --json (the result then carries it)."),
            RegistryOptions.Directory,
            RegistryOptions.Dist,
        ],
        Details = """
            Without --ab or --models every verified model goes in. Each model_list record has MLC's fields (model_id =
            AVA name = the model folder, model_lib, estimated_vram_bytes; no model_url: MLCChat reads it as an HF-style repo) and AVA's
            (ava_name, ava_quantization, ava_experimental, ava_package with size and sha256, ava_role and ava_weight for
            A/B arms). NLU models go to ava.nlu_list. Unverified models are refused (exit 1).
            """,
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var models = input.Value("--models")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var selection = new AppConfigSelection().WithExperiment(input.Value("--ab")).WithModels(models).WithLocalPaths(input.Flag("--local"));
        var config = AppConfigBuilder.Build(registry, selection, RegistryOptions.DistOf(input, context));
        // stdout carries --json results only, so without --json the config must go to a file.
        var output = input.Json ? input.Value("-o") is { } o ? context.ResolvePath(o) : null : context.ResolvePath(input.RequiredValue("-o"));
        if (output is not null) AtomicFile.WriteAllText(output, RegistryJson.Canonical(config));
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new AppConfigJson { ok = true, path = output, config = config }, AppConfigJsonContext.Output.AppConfigJson);
            return Task.FromResult(0);
        }
        var table = new Table().AddColumns("model_id", "model_lib", "estimated_vram_bytes", "package", "A/B");
        foreach (var m in config["model_list"]!.AsArray())
            table.AddRow(Markup.Escape((string)m!["model_id"]!), Markup.Escape((string)m["model_lib"]!), $"{(long)m["estimated_vram_bytes"]!:N0}",
                Markup.Escape((string?)m["ava_package"]?["url"] ?? (string?)m["ava_model_path"] ?? (string?)m["ava_package"]?["path"] ?? "-"), m["ava_role"] is { } r ? $"{r} {m["ava_weight"]} %" : "");
        foreach (var n in config["ava"]!["nlu_list"]!.AsArray())
            table.AddRow(Markup.Escape((string)n!["ava_name"]!), "(NLU, .AON)", "", Markup.Escape((string)n["model"]!["path"]!), "");
        context.Human.Write(table);
        context.Human.MarkupLine($"wrote {Markup.Escape(output!)}");
        return Task.FromResult(0);
    }
}

/// <summary>'alc registry app-config --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record AppConfigJson
{
    public required bool ok { get; init; }
    public string? path { get; init; }
    public required System.Text.Json.Nodes.JsonObject config { get; init; }
}

[JsonSerializable(typeof(AppConfigJson))]
internal sealed partial class AppConfigJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static AppConfigJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
