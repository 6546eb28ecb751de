using Ava.Compiler.Processes;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>Shared by the stages that run MLC-LLM: run with logging and metrics, then check the promised outputs exist.</summary>
internal static class MlcStep
{
    /// <param name="environment">The caller's environment: secret values in it (HF_TOKEN...) are removed from logs and output.</param>
    public static async Task<ToolMetrics> RunAsync(StageContext context, ToolCommand command, IReadOnlyDictionary<string, string> environment)
    {
        var redactor = Reporting.SecretRedactor.FromEnvironment(environment);
        context.Reporter.Info($"$ {redactor.Redact(command.Display)}");
        // The group record lets the next run on this folder find and kill the tool if alc and its watchdog were both killed.
        command = command.WithEnvironment(new Dictionary<string, string?>(command.Environment) { [ChildGuard.GroupsVariable] = ChildGuard.GroupsFile(context.Folder) });
        var run = await ToolRunner.RunAsync(command, context.LogPath, line => context.Reporter.Info("  │ " + line), redactor.Redact,
            context.CancellationToken);
        context.RecordTool(run);
        return run;
    }

    public static string Require(StageContext context, string file, string subcommand)
    {
        var path = Path.Combine(context.OutputDirectory, file);
        if (!File.Exists(path))
            throw new ExternalToolException($"mlc_llm {subcommand} exited 0 but did not write {file}.",
                "The MLC-LLM checkout is probably not the pinned commit; run 'alc doctor'.", context.LogPath);
        return path;
    }
}
