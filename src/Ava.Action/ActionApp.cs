using System.Text.Json;
using Ava.Action.Publishing;
using Ava.Action.Reporting;
using Ava.Action.Runner;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Registry;
using Ava.Compiler.Reporting;
using Ava.Compiler.Verification;

namespace Ava.Action;

/// <summary>
/// The Action: masks the tokens, builds (or takes) the artifacts, writes the job summary, publishes, and sets the
/// outputs. Every user-facing failure ends as one ::error:: with the problem and the fix, a failed summary, and the
/// project's exit code; anything else is reported as a bug.
/// </summary>
public static class ActionApp
{
    public static async Task<int> RunAsync(ActionCore core, string processDirectory, RetryOptions? retry = null, CancellationToken ct = default)
    {
        // Mask before anything else can print: a token echoed by any later step or tool is then hidden by the runner.
        var redactor = SecretRedactor.FromEnvironment(core.Environment);
        var (gh, hf) = ActionInputs.ReadTokens(core);
        foreach (var secret in new[] { gh, hf }.Where(s => s.Length > 0))
        {
            core.SetSecret(secret);
            redactor.Add(secret);
        }

        var reporter = new ActionReporter(core, redactor);
        var summary = new RunSummary();
        try
        {
            var inputs = ActionInputs.Read(core);
            var root = Path.GetFullPath(Path.Combine(core.Environment.GetValueOrDefault("GITHUB_WORKSPACE") ?? processDirectory, inputs.WorkingDirectory));
            if (!Directory.Exists(root))
                throw new BadInputException($"The working directory '{inputs.WorkingDirectory}' does not exist ({root}).",
                    "Set 'working-directory' to a folder of the checked-out repository.");

            var artifacts = new List<string>();
            // The same registry the core's register step writes (registry/, or ALC_REGISTRY).
            var folders = CompileFolders.For(root, core.Environment);
            // What goes on the release (the core decides): the artifacts and the other files their registry entries list.
            var release = new ReleaseFiles(new ModelRegistry(folders.Registry), root, folders.Dist);
            var registry = new RegistryCommits(release, root);
            if (inputs.Model is not null)
            {
                // Each pipeline stage opens its own section, which the reporter shows as a ::group::.
                var built = await ModelBuild.RunAsync(inputs, root, core.Environment, reporter, ct);
                summary.AvaName = built.AvaName;
                summary.Reports.Add(($"compile report: {built.AvaName}", built.ReportMarkdown));
                // The core's note is neutral ("give the compile the app"); the Action names its own input.
                if (built is Ava.Compiler.Pipeline.Compile.LlmBuilt { Report.Verification.AppChain.Status: "not-checked" })
                    summary.Notes.Add("The app's runtime chain was not checked: set the `app` input (the app's jniLibs/arm64-v8a/ folder and tvm4j jar, an .aar or a built .apk) to prove it.");
                artifacts.Add(built.Artifact);
                release.AddModel(built.AvaName);
            }
            using (reporter.Section("Artifacts"))
            {
                foreach (var a in FileSet.Resolve(root, inputs.Artifacts, "artifacts", reporter.Warn))
                    if (!artifacts.Contains(a)) artifacts.Add(a);
                foreach (var a in artifacts)
                {
                    var files = release.AddArtifact(a);
                    // Each artifact's own entry (registry/models/<AVA name>.json) goes with it.
                    if (!files.HasEntry)
                        reporter.Info($"{Path.GetFileName(a)} has no entry in {release.Registry.ModelsDirectory}; only the file is published");
                    foreach (var f in files.Added)
                    {
                        summary.Artifacts.Add(new(Path.GetRelativePath(root, f.Path), f.Digest.Size, f.Digest.Sha256));
                        reporter.Info($"{Path.GetRelativePath(root, f.Path)}: {f.Digest.Size} bytes, sha256 {f.Digest.Sha256}{(f.ListedBy is null ? "" : $" (listed in the entry of {Path.GetFileName(a)})")}");
                    }
                }
            }
            foreach (var report in FileSet.Resolve(root, inputs.Reports, "reports", reporter.Warn))
                summary.Reports.Add((Path.GetRelativePath(root, report), await File.ReadAllTextAsync(report, ct)));
            foreach (var f in FileSet.Resolve(root, inputs.RegistryFiles, "registry-files", reporter.Warn))
                registry.AddFile(f);

            using (reporter.Section("Verify model libraries"))
            {
                var verification = await LibraryVerification.RunAsync(artifacts, inputs.App.Select(a => Path.GetFullPath(Path.Combine(root, a))).ToList(), root, core, reporter, ct);
                summary.Verification = verification is null ? "skipped" : verification.Ok ? "passed" : "failed";
                if (verification is not null) summary.Reports.Add(("verification", VerificationReport.ToMarkdown(verification)));
                if (verification is { Ok: false }) throw LibraryVerification.Rejected(verification);
            }

            if (inputs.Publish)
            {
                using (reporter.Section("Publish"))
                {
                    var repo = GitHubRepository.Parse(inputs.Repository!, inputs.GitHubToken, core.Environment.GetValueOrDefault("GITHUB_API_URL"));
                    var plan = new PublishPlan(
                        inputs.ReleaseTag is null ? null : ReleaseRequest.ForTag(inputs.ReleaseTag).WithName($"AVA models {inputs.ReleaseTag}")
                            .WithBody("Built and verified by ava/model-compile.")
                            .WithTarget(core.Environment.GetValueOrDefault("GITHUB_SHA")),
                        release.Files.Select(f => new ReleaseFile(f.Path, f.Name)).ToList(), inputs.RegistryBranch,
                        assets => registry.After(assets, inputs.Attestation, inputs.ReleaseTag));
                    summary.Published = await new Publisher(repo, new GitHubCalls(retry), reporter).PublishAsync(plan, ct);
                    summary.Attestation = inputs.Attestation;
                }
            }

            summary.Status = "succeeded";
            SetOutputs(core, summary, root);
            await WriteSummaryAsync(core, summary, redactor);
            return 0;
        }
        catch (AlcException e)
        {
            var text = redactor.Redact($"{e.ProblemIn(ActionInputWords.Spell).TrimEnd()} {e.FixIn(ActionInputWords.Spell).Trim()}".Trim());
            core.SetFailed(text);
            summary.Status = "failed";
            summary.Failure = text;
            // A rejected compile wrote its verification report (the app's chain with the broken link included): show it.
            if (e is VerificationFailedException { ReportPath: { } report } && File.Exists(report))
            {
                summary.Verification = "failed";
                summary.Reports.Add(("verification", redactor.Redact(File.ReadAllText(report))));
            }
            // The outputs a later step needs to react to a failure (e.g. to comment on a rejected model).
            TrySetFailureOutputs(core, summary);
            await TryWriteSummaryAsync(core, summary, redactor);
            return (int)e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            core.SetFailed("Cancelled. Run the job again; finished stages and uploaded assets are reused.");
            return 130;
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // A full disk is the environment (exit 3), never "a bug in alc".
            var full = DiskFull.Error("an output", e);
            core.SetFailed(redactor.Redact($"{full.Problem} {full.Fix}"));
            return (int)full.ExitCode;
        }
        catch (Exception e)
        {
            var debug = core.IsDebug || core.Environment.ContainsKey("ALC_DEBUG");
            core.SetFailed(redactor.Redact($"ava-action hit an internal error ({e.GetType().Name}: {e.Message}). This is a bug in alc, not in your input. " +
                                           (debug ? e.ToString() : "Re-run with debug logging enabled for the stack trace and report it.")));
            return (int)ExitCode.InternalError;
        }
    }

    private static void SetOutputs(ActionCore core, RunSummary s, string root)
    {
        core.SetOutput("status", s.Status);
        if (s.AvaName is not null) core.SetOutput("ava-name", s.AvaName);
        core.SetOutput("verification", s.Verification);
        core.SetOutput("artifacts", JsonSerializer.Serialize(s.Artifacts.Select(a => a.Path)));
        if (s.Published is { } p)
        {
            if (p.Release is not null) core.SetOutput("release-url", p.Release.HtmlUrl);
            core.SetOutput("asset-urls", JsonSerializer.Serialize(p.Assets.Select(a => a.DownloadUrl)));
            core.SetOutput("registry-entries", JsonSerializer.Serialize(p.Commits.Select(c => c.Path)));
        }
    }

    private static void TrySetFailureOutputs(ActionCore core, RunSummary s)
    {
        try
        {
            core.SetOutput("status", s.Status);
            core.SetOutput("verification", s.Verification);
        }
        catch (RunnerProtocolException) { }
    }

    private static async Task TryWriteSummaryAsync(ActionCore core, RunSummary s, SecretRedactor redactor)
    {
        try { await WriteSummaryAsync(core, s, redactor); }
        catch (RunnerProtocolException e) { core.Warning("The job summary was not written: " + e.Problem); }
    }

    private static async Task WriteSummaryAsync(ActionCore core, RunSummary s, SecretRedactor redactor)
    {
        if (!core.Environment.ContainsKey(JobSummary.Variable)) return;
        var markdown = SummaryMarkdown.Truncate(redactor.Redact(s.ToMarkdown()), JobSummary.MaxBytes - 4096,
            "_The summary was cut to fit GitHub's 1 MiB limit; the full reports are in the job's artifacts._");
        await core.Summary.AddRaw(markdown, addEol: true).WriteAsync();
    }
}
