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
        command = command.WithEnvironment(new Dictionary<string, string?>(command.Environment) { [ChildGuard.GroupsVariable] = ChildGuard.GroupsFile(context.Folder.Root) });
        ToolMetrics run;
        try
        {
            run = await ToolRunner.RunAsync(command, context.LogPath, line => context.Reporter.Info("  │ " + line), redactor.Redact,
                context.CancellationToken);
        }
        catch (ExternalToolException e) when (MissingModule(context.LogPath) is { } module)
        {
            throw MissingPackage(command, module, e);
        }
        context.RecordTool(run);
        return run;
    }

    private static readonly System.Text.RegularExpressions.Regex NoModule =
        new(@"ModuleNotFoundError: No module named '([A-Za-z0-9_.]+)'", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The module Python could not import, from the last such line of the tool's log.</summary>
    internal static string? MissingModule(string logPath)
    {
        if (!File.Exists(logPath)) return null;
        var match = NoModule.Matches(File.ReadAllText(logPath)).LastOrDefault();
        return match?.Groups[1].Value.Split('.')[0];
    }

    /// <summary>
    /// A module MLC-LLM imports is missing from the toolchain's interpreter: that is a toolchain problem (exit 3), and
    /// the lock says which package provides it, why MLC needs it and how to install it.
    /// </summary>
    internal static AlcException MissingPackage(ToolCommand command, string module, ExternalToolException e)
    {
        var lockFile = Toolchain.ToolchainLock.Default;
        var python = command.FileName;
        if (lockFile.Python.ForModule(module) is not { } package)
            return new ToolchainMissingException($"{e.RawProblem} Python module '{module}' is not installed in {python}.",
                $"Install it into that interpreter, or run 'alc toolchain setup'; 'alc doctor' checks the toolchain's packages. (log: {e.LogPath})", e);
        var index = package.IndexFor(Toolchain.HostPlatform.Current.Os);
        var neededBy = package.NeededBy.FirstOrDefault(n => !n.Contains("requirements.txt", StringComparison.Ordinal) && !n.Contains("pyproject.toml", StringComparison.Ordinal))
                       ?? package.NeededBy.FirstOrDefault();
        return new ToolchainMissingException(
            $"MLC-LLM stopped: Python module '{module}' is not installed in {python}. MLC-LLM needs it for {package.Phase}: {package.Reason} ({neededBy}).",
            $"Install it: '{python} -m pip install {(index is null ? "" : $"--index-url {index} ")}'{package.Requirement}'' (or run 'alc toolchain setup'; " +
            $"'alc doctor' checks every package of toolchain.lock.json before a compile downloads anything). Log: {e.LogPath}", e);
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
