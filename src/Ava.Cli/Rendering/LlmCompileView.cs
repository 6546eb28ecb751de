using Ava.Cli.CommandLine;
using Ava.Compiler.Errors;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Recipes;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Smoke;
using Spectre.Console;

namespace Ava.Cli.Rendering;

/// <summary>`alc compile` for llm recipes: plans or runs the MLC-LLM stages and shows the result table.</summary>
internal static class LlmCompileView
{
    public static async Task<int> RunAsync(Recipe recipe, CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var locations = ToolchainOptions.Resolve(input, context);
        var lockFile = ToolchainLock.Default;

        var sourceDir = input.Value("--source") is { } s and not "hf" ? context.ResolvePath(s) : null;
        if (sourceDir is not null && !Directory.Exists(sourceDir))
            throw new BadInputException($"--source '{sourceDir}' is not a folder.", "For an LLM pass 'hf' (the recipe's Hub repo, the default) or the folder of a Hugging Face model (config.json, *.safetensors, tokenizer files).");

        var build = LlmBuild.Create(recipe, locations, context.Environment, Folders(input, context), new LlmBuildOverrides
        {
            Quantization = input.Value("--quantization"),
            SourceDirectory = sourceDir,
            ContextWindowSize = input.Int("--context", 128, 1 << 20),
            PrefillChunkSize = input.Int("--prefill-chunk", 16, 1 << 16),
        }, lockFile);
        var pipeline = new LlmPipeline(build);

        if (input.Flag("--plan"))
        {
            var plan = pipeline.Plan();
            // Only what alc sets for the toolchain, not the whole inherited environment.
            var shownEnv = ToolchainEnvironment.For(locations, lockFile, HostPlatform.Current, context.Environment)
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            if (input.Json) JsonOutput.Write(context.Out, new { ok = true, plan = plan with { Environment = shownEnv } });
            RenderPlan(context, plan, shownEnv, locations.Python is null);
            return 0;
        }

        SmokeResult? smoke = null;
        if (!input.Flag("--skip-doctor"))
        {
            var doctorOptions = ToolchainOptions.DoctorOptions(context);
            var report = await Doctor.RunAsync(locations, DoctorScope.Compile, doctorOptions, cancellationToken);
            report.ThrowIfNotOk();
            // Once per toolchain key: a toolchain that cannot compile a 2-layer model stops here, before the download.
            if (!input.Flag("--skip-smoke"))
                (smoke, _) = await ToolchainSmoke.EnsurePassedAsync(locations, doctorOptions, recipe.Source, context.CreateReporter(), cancellationToken);
        }

        var result = await pipeline.RunAsync(context.CreateReporter(), cancellationToken);
        var registered = result.Registered!;
        if (input.Json) JsonOutput.Write(context.Out, new { ok = true, report = result, registry = new { path = registered.Path, change = registered.Change }, smoke });
        RenderResult(context, result);
        context.Human.MarkupLine($"  registry: {Markup.Escape(Path.GetRelativePath(context.WorkingDirectory, registered.Path))} ({registered.Change.ToString().ToLowerInvariant()})");
        return 0;
    }

    /// <summary>--build-dir, --out and --registry (else ALC_REGISTRY, else registry/) over the working folder.</summary>
    internal static CompileFolders Folders(CommandInput input, CliContext context) =>
        CompileFolders.For(context.WorkingDirectory, context.Environment)
            .WithBuild(input.Value("--build-dir") is { } build ? context.ResolvePath(build) : null)
            .WithDist(context.ResolvePath(input.Value("--out") ?? "dist"))
            .WithRegistry(Commands.RegistryOptions.Open(input, context).Root);

    internal static void RenderPlan(CliContext context, BuildPlanView plan, IReadOnlyDictionary<string, string> env, bool pythonUnknown)
    {
        var h = context.Human;
        h.MarkupLine($"[bold]{Markup.Escape(plan.AvaName)}[/] = {Markup.Escape(plan.Recipe)} {Markup.Escape(plan.Quantization)}, system-lib prefix {Markup.Escape(plan.SystemLibPrefix)}");
        var table = new Table().AddColumns("stage", "key", "status", "after");
        foreach (var s in plan.Stages)
            table.AddRow(s.Name, s.Key[..16], s.UpToDate ? "up to date" : "will run", string.Join(", ", s.DependsOn));
        h.Write(table);
        foreach (var s in plan.Stages.Where(s => s.Command is not null))
            h.MarkupLine($"{s.Name}: [grey]{Markup.Escape(s.Command!)}[/]");
        if (pythonUnknown) h.MarkupLine("[yellow]note:[/] no Python interpreter is configured; 'python3' is shown ('alc doctor' finds or sets it).");
        foreach (var (k, v) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal)) h.MarkupLine($"  {Markup.Escape(k)}={Markup.Escape(v)}");
        if (plan.MemoryPlan is { } m)
            h.MarkupLine($"memory plan: context {m.ContextWindowSize}, prefill {m.PrefillChunkSize}, estimated {m.EstimatedVramBytes >> 20} MiB of {m.BudgetBytes >> 20} MiB");
        h.MarkupLine($"outputs: {Markup.Escape(plan.ModelDirectory)}, {Markup.Escape(plan.Package)}");
    }

    internal static void RenderResult(CliContext context, CompileReport report)
    {
        var table = new Table().AddColumns("stage", "status", "time", "peak memory", "summary");
        foreach (var s in report.Stages)
            table.AddRow(s.Name, s.Status == StageStatus.Ran ? "ran" : "up to date", $"{s.WallSeconds:0.00} s",
                s.PeakMemoryBytes > 0 ? $"{s.PeakMemoryBytes >> 20} MiB" : "-", Markup.Escape(s.Summary ?? ""));
        context.Human.Write(table);
        context.Human.MarkupLine($"[green]✓[/] {Markup.Escape(report.AvaName)}: {Markup.Escape(report.Outputs.ModelDirectory)} and {Markup.Escape(report.Outputs.Package)}");
        context.Human.MarkupLine($"  report: {Markup.Escape(report.Outputs.Report)}");
    }
}
