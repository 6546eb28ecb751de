using System.Text.Json.Nodes;
using Ava.Cli.CommandLine;
using Ava.Compiler.HuggingFace;
using Ava.Compiler.Onnx;
using Ava.Compiler.Recipes;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>`alc compile` for onnx-embedding recipes: runs the `.AON` stages and shows the result table.</summary>
internal static class AonCompileView
{
    public static async Task<int> RunAsync(Recipe recipe, CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var embedding = EmbeddingRecipes.From(recipe, input.Value("--source"), input.Value("--vocab"), context.ResolvePath);
        var hub = HubEnvironment.FromEnvironment(context.Environment);
        if (hub.Token is { } token) context.Redactor.Add(token);

        // --plan runs nothing for every recipe kind: no stage, nothing in build/, dist/ or the registry.
        if (input.Flag("--plan"))
        {
            var folders = LlmCompileView.Folders(input, context);
            var models = Path.Combine(folders.Dist, "models");
            string[] files =
            [
                .. new[] { ".AON", ".vocab.txt", ".report.md", ".report.json", ".alc-manifest.json" }.Select(x => Path.Combine(models, embedding.AvaName + x)),
                Path.Combine(folders.Registry, "models", embedding.AvaName + ".json"),
            ];
            var stages = AonCompiler.Stages(embedding, DateTimeOffset.UnixEpoch).Select(st => st.Name).ToList();
            if (input.Json)
            {
                JsonOutput.Write(context.Out, new { ok = true, plan = new { recipe = recipe.Name, kind = recipe.Kind, source = embedding.Source.Describe(), build = folders.BuildFor(embedding.Id), stages, files } });
                return 0;
            }
            var screen = context.Screen;
            screen.Prose("plan: ", $"{recipe.Name} → {embedding.AvaName}.AON from {embedding.Source.Describe()}; runs nothing.");
            screen.Line("stages: " + string.Join(" → ", stages));
            screen.Line("build folder:");
            screen.Line("  " + folders.BuildFor(embedding.Id));
            screen.Line("writes:");
            foreach (var f in files) screen.Line("  " + f);
            return 0;
        }

        var result = await AonCompiler.RunAsync(embedding, LlmCompileView.Folders(input, context), context.Environment, context.CreateReporter(),
            HubModelFiles.Using(hub), cancellationToken);
        var registered = result.Registered;

        if (input.Json)
        {
            JsonOutput.Write(context.Out, new
            {
                ok = true,
                recipe = recipe.Name,
                kind = recipe.Kind,
                artifact = result.ArtifactPath,
                files = result.PublishedFiles,
                stages = result.Stages.Select(s => new { name = s.Name, status = s.Status.ToString().ToLowerInvariant(), key = s.Key }),
                report = result.Report,
                registry = new { path = registered.Path, change = registered.Change },
            });
            return 0;
        }

        var v = result.Report["validation"]!.AsObject();
        var table = new Table().Title(Markup.Escape($"{recipe.Name} → {Path.GetFileName(result.ArtifactPath)}"))
            .AddColumns("check", "FP32", "INT8", "result", "gate");
        table.AddRow("file size", Mb(v["fp32Bytes"]), Mb(v["int8Bytes"]), $"×{(double)v["sizeRatio"]!:F3}", "");
        table.AddRow($"cosine to FP32, mean ({v["sentences"]} sentences)", "1", $"{(double)v["meanCosine"]!:F4}", "", $"≥ {(double)v["requiredMeanCosine"]!:F2}");
        table.AddRow("cosine to FP32, min", "1", $"{(double)v["minCosine"]!:F4}", Markup.Escape(Short((string)v["worstSentence"]!)), $"≥ {(double)v["requiredMinCosine"]!:F2}");
        if (v["latency"] is JsonObject l)
            table.AddRow($"latency, 1 thread, {l["tokens"]} tokens", $"{(double)l["fp32MedianMs"]!:F2} ms", $"{(double)l["int8MedianMs"]!:F2} ms", $"{(double)l["speedup"]!:F2}× faster", "");
        table.AddRow("signature (name, type, rank)", "", "", (bool)v["signatureIdentical"]! ? "identical" : "CHANGED", "identical");
        context.Human.Write(table);
        foreach (var f in result.PublishedFiles) context.Human.MarkupLine("  " + Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, f)));
        context.Human.MarkupLine($"  registry: {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, registered.Path))} ({registered.Change.ToString().ToLowerInvariant()})");
        context.Human.MarkupLine($"[green]PASS[/] {Markup.Escape(Path.GetFileName(result.ArtifactPath))} verified and written to {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, Path.GetDirectoryName(result.ArtifactPath)!))}/");
        return 0;
    }

    private static string Mb(JsonNode? bytes) => $"{(long)bytes! / 1e6:F2} MB";

    private static string Short(string s) => "worst: \"" + (s.Length <= 28 ? s : s[..25] + "...") + "\"";
}
