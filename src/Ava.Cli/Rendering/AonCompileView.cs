using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Compiler.Pipeline.Compile;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>`alc compile` for onnx-embedding recipes: the validation table of a finished `.AON` build.</summary>
internal static class AonCompileView
{
    /// <summary>--plan: what would run and every file it would write; paths whole, never wrapped.</summary>
    public static void RenderPlan(CliContext context, AonPlanned plan, bool json)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, new AonPlanJson { ok = true, plan = new AonPlanJson.Plan { recipe = plan.Recipe.Name, kind = plan.Recipe.Kind, avaName = plan.AvaName, source = plan.Source, build = plan.BuildDirectory, stages = plan.Stages, files = plan.Files } }, AonCompileJsonContext.Output.AonPlanJson);
            return;
        }
        var screen = context.Screen;
        screen.Prose("plan: ", $"{plan.Recipe.Name} → {plan.AvaName}.AON from {plan.Source}; runs nothing.");
        screen.Line("stages: " + string.Join(" → ", plan.Stages));
        screen.Line("build folder:");
        screen.Line("  " + plan.BuildDirectory);
        screen.Line("writes:");
        foreach (var f in plan.Files) screen.Line("  " + f);
    }

    public static void Render(CliContext context, AonBuilt built, bool json)
    {
        var (recipe, result) = (built.Recipe, built.Result);
        var registered = result.Registered;
        if (json)
        {
            JsonOutput.Write(context.Out, new AonBuiltJson
            {
                ok = true,
                recipe = recipe.Name,
                kind = recipe.Kind,
                artifact = result.ArtifactPath,
                files = result.PublishedFiles,
                stages = result.Stages.Select(s => new AonBuiltJson.Stage { name = s.Name, status = s.Status.ToString().ToLowerInvariant(), key = s.Key }),
                report = result.Report,
                registry = new RegistryChangeJson { path = registered.Path, change = registered.Change },
            }, AonCompileJsonContext.Output.AonBuiltJson);
            return;
        }

        var v = result.Validation;
        var table = new Table().Title(Markup.Escape($"{recipe.Name} → {Path.GetFileName(result.ArtifactPath)}"))
            .AddColumns("check", "FP32", "INT8", "result", "gate");
        table.AddRow("file size", Mb(v.Fp32Bytes), Mb(v.Int8Bytes), $"×{v.SizeRatio:F3}", "");
        table.AddRow($"cosine to FP32, mean ({v.Sentences} sentences)", "1", $"{v.MeanCosine:F4}", "", $"≥ {v.RequiredMeanCosine:F2}");
        table.AddRow("cosine to FP32, min", "1", $"{v.MinCosine:F4}", Markup.Escape(Short(v.WorstSentence)), $"≥ {v.RequiredMinCosine:F2}");
        if (v.Latency is { } l)
            table.AddRow($"latency, 1 thread, {l.Tokens} tokens", $"{l.Fp32MedianMs:F2} ms", $"{l.Int8MedianMs:F2} ms", $"{l.Speedup:F2}× faster", "");
        table.AddRow("signature (name, type, rank)", "", "", v.SignatureIdentical ? "identical" : "CHANGED", "identical");
        context.Human.Write(table);
        foreach (var f in result.PublishedFiles) context.Human.MarkupLine("  " + Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, f)));
        context.Human.MarkupLine($"  registry: {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, registered.Path))} ({registered.Change.ToString().ToLowerInvariant()})");
        context.Human.MarkupLine($"[green]PASS[/] {Markup.Escape(Path.GetFileName(result.ArtifactPath))} verified and written to {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, Path.GetDirectoryName(result.ArtifactPath)!))}/");
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:F2} MB";

    private static string Short(string s) => "worst: \"" + (s.Length <= 28 ? s : s[..25] + "...") + "\"";
}

/// <summary>'alc compile --plan --json' of an onnx-embedding recipe; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record AonPlanJson
{
    public required bool ok { get; init; }
    public required Plan plan { get; init; }

    internal sealed record Plan
    {
        public required string recipe { get; init; }
        public required string kind { get; init; }
        public required string avaName { get; init; }
        public required string source { get; init; }
        public required string build { get; init; }
        public required IReadOnlyList<string> stages { get; init; }
        public required IReadOnlyList<string> files { get; init; }
    }
}

/// <summary>'alc compile --json' of a finished .AON build; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record AonBuiltJson
{
    public required bool ok { get; init; }
    public required string recipe { get; init; }
    public required string kind { get; init; }
    public required string artifact { get; init; }
    public required IReadOnlyList<string> files { get; init; }
    public required IEnumerable<Stage> stages { get; init; }
    public required System.Text.Json.Nodes.JsonObject report { get; init; }
    public required RegistryChangeJson registry { get; init; }

    internal sealed record Stage
    {
        public required string name { get; init; }
        public required string status { get; init; }
        public required string key { get; init; }
    }
}

/// <summary>What a compile did to the registry entry (both kinds' --json).</summary>
internal sealed record RegistryChangeJson
{
    public required string path { get; init; }
    public required Compiler.Registry.RegisterChange change { get; init; }
}

[JsonSerializable(typeof(AonPlanJson))]
[JsonSerializable(typeof(AonBuiltJson))]
internal sealed partial class AonCompileJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static AonCompileJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
