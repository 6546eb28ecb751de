using System.Text.RegularExpressions;
using Ava.Action;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Tests.Registry;
using YamlDotNet.RepresentationModel;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The A/B pair workflow's proof job, run as the runner would run it over what its download step really gets: each arm
/// is built into its own workspace, only the files compile-model.yml's upload-artifact paths match travel (rooted at
/// their common ancestor, as upload-artifact does), they are merged as download-artifact's pattern and merge-multiple
/// say, and then the job's own run: scripts execute with bash over that folder, with alc from this build. A path the
/// job needs that the upload does not carry fails here, not on a runner.
/// </summary>
public class AbPairWorkflowTests : IDisposable
{
    private readonly TempDir _dir = new("ab-pair");

    public void Dispose() => _dir.Dispose();

    private sealed record Arm(string Recipe, string AvaName, string Fixture, string Prefix, string ModelType);

    /// <summary>
    /// Gemma 2 2B and Gemma 3 4B from the verify fixtures (distinct system-lib prefixes, both with MLC metadata that agrees
    /// with their registry entries): a pair that links and passes the registry proof.
    /// </summary>
    private static readonly Arm[] Arms =
    [
        new("gemma2-2b", "AVA-GE2-2B16", "v022-android.tar", "gemma2_q4f16_1_", "gemma2"),
        new("gemma3-4b", "AVA-GE3-4B16", "v022-android-gemma3.tar", "gemma3_q4f16_1_", "gemma3"),
    ];

    private static readonly Dictionary<string, string> Inputs = new()
    {
        ["experiment"] = "ge3-4b-vs-ge2-2b", ["control"] = "gemma2-2b", ["treatment"] = "gemma3-4b", ["treatment-weight"] = "30",
    };

    [Fact]
    public async Task The_proof_job_proves_and_writes_the_ab_entry_from_exactly_what_the_compile_jobs_upload()
    {
        var workspace = Download(UploadPaths());

        var outputs = new Dictionary<string, string>();
        var failure = await RunProofJobAsync(workspace, outputs);

        Assert.True(failure is null, failure);
        var experiment = new ModelRegistry(Path.Combine(workspace, "registry")).GetAb(Inputs["experiment"]);
        Assert.Equal([("AVA-GE2-2B16", 70, AbRole.Control), ("AVA-GE3-4B16", 30, AbRole.Treatment)],
            experiment.Arms.Select(a => (a.Model, a.Weight, a.Role)));
        // The last step commits the entry and puts the proof in the summary: both inputs name files that are there now.
        // The native action: committing three JSON files needs alc alone, not the toolchain image.
        var commit = ProofJobSteps().Single(s => Scalar(s, "uses") == "./action/macos");
        foreach (var input in new[] { "registry-files", "reports" })
            Assert.NotEmpty(FileSet.Resolve(workspace, Lines(Substitute(Scalar(With(commit), input)!, Inputs, outputs)), input));
        // The registry branch gets the arms' entries with the A/B entry (so 'registry ab validate' holds there), and no other.
        var committed = FileSet.Resolve(workspace, Lines(Substitute(Scalar(With(commit), "registry-files")!, Inputs, outputs)), "registry-files")
            .Select(f => Path.GetRelativePath(workspace, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(["registry/ab/ge3-4b-vs-ge2-2b.json", "registry/models/AVA-GE2-2B16.json", "registry/models/AVA-GE3-4B16.json"], committed);
    }

    [Theory]
    [InlineData("registry/models/")]
    [InlineData("dist/**/*.ALM")]
    public async Task Without_a_path_the_proof_job_needs_the_same_run_fails(string dropped)
    {
        var paths = UploadPaths();
        Assert.Contains(paths, p => p.StartsWith(dropped, StringComparison.Ordinal));

        var workspace = Download(paths.Where(p => !p.StartsWith(dropped, StringComparison.Ordinal)).ToList());

        Assert.Contains("step 'Bundle proof and A/B entry' exited 2", await RunProofJobAsync(workspace));
    }

    [Fact]
    public async Task An_older_entry_in_a_compile_checkout_does_not_replace_the_other_arms_fresh_one_in_the_merged_download()
    {
        // Each compile job checks out the repository; where registry entries are committed (the registry branch), its
        // registry/models/ holds older builds of the other arm too. Only this build's own entry may travel.
        var workspace = Download(UploadPaths(), staleCheckouts: true);

        var failure = await RunProofJobAsync(workspace);

        Assert.True(failure is null, failure);

        // What uploading registry/models/*.json did: the second arm's old copy of the first arm's entry won the merge.
        var everyEntry = UploadPaths().Select(p => p.StartsWith("registry/models/", StringComparison.Ordinal) ? "registry/models/*.json" : p).ToList();
        var merged = Download(everyEntry, staleCheckouts: true, tag: "every-entry-");
        // The bundle proof's registry step sees it first: that entry describes another build than the library that came.
        var failure2 = await RunProofJobAsync(merged) ?? "";
        Assert.True(failure2.Contains("error[registry-metadata]", StringComparison.Ordinal) && failure2.Contains("Registry entry AVA-GE2-2B16 records estimated_vram_bytes", StringComparison.Ordinal), failure2);
    }

    // ---- compile-model.yml's compile job: build, then upload-artifact ----

    private static YamlMappingNode CompileUpload() =>
        Steps(Job("compile-model.yml", "compile")).Single(s => Scalar(s, "uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);

    private static List<string> UploadPaths() => Lines(Scalar(With(CompileUpload()), "path")!);

    /// <summary>
    /// Builds each arm in its own runner workspace, keeps what the upload paths match (upload-artifact's rules), and
    /// merges those artifacts into the proof job's checkout as its download step does. Returns the checkout.
    /// </summary>
    /// <param name="staleCheckouts">Each compile workspace also holds an older, rejected entry of every other arm.</param>
    /// <param name="tag">Prefix of this layout's folders, so one test can lay out two.</param>
    private string Download(IReadOnlyList<string> uploadPaths, bool staleCheckouts = false, string tag = "")
    {
        var uploadWith = With(CompileUpload());
        var artifacts = new List<(string Name, string Root, List<string> Files)>();
        foreach (var arm in Arms)
        {
            var ws = _dir[$"{tag}compile-{arm.Recipe}"];
            var dist = Path.Combine(ws, "dist");
            var registry = new ModelRegistry(Path.Combine(ws, "registry"));
            registry.Register(RegistryEntries.ForLlm(
                RegistryBuilds.Llm(dist, arm.AvaName, arm.Fixture, arm.Prefix, recipe: arm.Recipe, modelType: arm.ModelType)));
            _dir.Write($"{tag}compile-{arm.Recipe}/dist/compile-report.md", $"# Compile report: {arm.AvaName}\n");
            if (staleCheckouts)
                foreach (var other in Arms.Where(a => a != arm))
                    // A TVM v0.21 build: its verification rejected it.
                    registry.Register(RegistryEntries.ForLlm(RegistryBuilds.Llm(_dir[$"{tag}old-{arm.Recipe}/{other.Recipe}/dist"], other.AvaName,
                        "v021-android.tar", "gemma2_q4f16_1_", recipe: other.Recipe, modelType: other.ModelType)));

            // The expressions the compile job's upload step may use: the matrix model, its target, the built AVA name.
            var values = new Dictionary<string, string> { ["inputs.model"] = arm.Recipe, ["inputs.target"] = "android" };
            string Evaluate(string expression) =>
                values.TryGetValue(expression, out var v) ? v
                : expression.Contains("outputs.ava-name", StringComparison.Ordinal) ? arm.AvaName
                : throw new Xunit.Sdk.XunitException($"compile-model.yml's upload step uses ${{{{ {expression} }}}}, which this test cannot evaluate.");
            var patterns = uploadPaths.Select(p => Expressions.Replace(p, m => Evaluate(m.Groups[1].Value.Trim()))).ToList();
            var (root, files) = UploadArtifact.Collect(ws, patterns);
            Assert.NotEmpty(files);
            artifacts.Add((Expressions.Replace(Scalar(uploadWith, "name")!, m => Evaluate(m.Groups[1].Value.Trim())), root, files));
        }

        // The proof job's checkout: the recipes (alc recipes list) and scripts/alc, here this build's alc.
        var checkout = _dir[$"{tag}checkout"];
        foreach (var recipe in Directory.GetFiles(RepoPaths.Combine("recipes")))
            File.Copy(recipe, _dir.Write($"{tag}checkout/recipes/" + Path.GetFileName(recipe), ""), overwrite: true);
        var alc = _dir.Write($"{tag}checkout/scripts/alc",
            $"#!/usr/bin/env bash\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "alc.dll")}' \"$@\"\n");
        File.SetUnixFileMode(alc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var download = ProofJobSteps().Single(s => Scalar(s, "uses")?.StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true);
        var w = With(download);
        var pattern = Scalar(w, "pattern") ?? throw new Xunit.Sdk.XunitException("The proof job's download step names no artifact pattern.");
        var merge = Scalar(w, "merge-multiple") == "true";
        var target = Path.Combine(checkout, Scalar(w, "path") ?? ".");
        var matched = artifacts.Where(a => UploadArtifact.GlobRegex(pattern).IsMatch(a.Name)).ToList();
        Assert.Equal(Arms.Length, matched.Count);
        foreach (var (name, root, files) in matched)
            foreach (var f in files)
            {
                // Without merge-multiple, several artifacts land in a folder each, named after the artifact.
                var to = Path.Combine(merge ? target : Path.Combine(target, name), Path.GetRelativePath(root, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to, overwrite: true);
            }
        return checkout;
    }

    // ---- ab-pair.yml's proof job: its run: steps, in order, as the runner's default bash runs them ----

    /// <returns>Null when every step succeeded, else what failed and its output.</returns>
    /// <param name="outputs">Filled with each step's GITHUB_OUTPUT values as 'steps.ID.outputs.NAME'.</param>
    private static async Task<string?> RunProofJobAsync(string checkout, Dictionary<string, string>? outputs = null)
    {
        outputs ??= [];
        foreach (var step in ProofJobSteps().Where(s => s.Children.ContainsKey("run")))
        {
            var outputFile = Path.Combine(checkout, "..", $"github-output-{Guid.NewGuid():N}");
            File.WriteAllText(outputFile, "");
            var env = new Dictionary<string, string>
            {
                ["NO_COLOR"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["GITHUB_OUTPUT"] = Path.GetFullPath(outputFile),
            };
            if (step.Children.TryGetValue("env", out var e))
                foreach (var (k, v) in ((YamlMappingNode)e).Children)
                    env[k.ToString()] = Substitute(v.ToString(), Inputs, outputs);
            var r = await NodeTools.RunAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", Scalar(step, "run")!], env, checkout,
                TimeSpan.FromMinutes(3));
            if (r.ExitCode != 0) return $"step '{Scalar(step, "name")}' exited {r.ExitCode}:\n{r.Text}{r.StdErr}";
            if (Scalar(step, "id") is { } id)
                foreach (var (name, value) in ReadOutputFile(File.ReadAllText(outputFile)))
                    outputs[$"steps.{id}.outputs.{name}"] = value;
        }
        return null;
    }

    /// <summary>The runner's GITHUB_OUTPUT file format: 'name=value' lines and 'name&lt;&lt;DELIMITER' … 'DELIMITER' blocks.</summary>
    private static IEnumerable<(string Name, string Value)> ReadOutputFile(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var heredoc = lines[i].IndexOf("<<", StringComparison.Ordinal);
            var equals = lines[i].IndexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var (name, delimiter) = (lines[i][..heredoc], lines[i][(heredoc + 2)..]);
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++) value.Add(lines[i]);
                yield return (name, string.Join('\n', value));
            }
            else if (equals > 0) yield return (lines[i][..equals], lines[i][(equals + 1)..]);
        }
    }

    private static IEnumerable<YamlMappingNode> ProofJobSteps()
    {
        var jobs = (YamlMappingNode)Load("ab-pair.yml")["jobs"];
        // The job that needs the arms' builds.
        var proof = jobs.Children.Values.Cast<YamlMappingNode>().Single(j => j.Children.ContainsKey("needs") && j.Children.ContainsKey("steps"));
        return Steps(proof);
    }

    private static readonly Regex Expressions = new(@"\$\{\{(.*?)\}\}");

    /// <summary>${{ inputs.x }} from the workflow's inputs; any other expression is something this job should not need.</summary>
    private static string Substitute(string text, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string>? outputs = null) => Expressions.Replace(text, m =>
    {
        var expression = m.Groups[1].Value.Trim();
        return expression.StartsWith("inputs.", StringComparison.Ordinal) && inputs.TryGetValue(expression["inputs.".Length..], out var v) ? v
            : outputs is not null && outputs.TryGetValue(expression, out var o) ? o
            : expression == "github.token" ? "ghs_unused"
            : throw new Xunit.Sdk.XunitException($"ab-pair.yml's proof job uses ${{{{ {expression} }}}}, which this test cannot evaluate.");
    });

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static YamlMappingNode Load(string workflow)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(RepoPaths.Combine(".github", "workflows", workflow)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Job(string workflow, string id) => (YamlMappingNode)((YamlMappingNode)Load(workflow)["jobs"])[id];

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) => ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>();

    private static YamlMappingNode With(YamlMappingNode step) => step.Children.TryGetValue("with", out var w) ? (YamlMappingNode)w : new YamlMappingNode();

    private static string? Scalar(YamlMappingNode node, string key) => node.Children.TryGetValue(key, out var v) ? v.ToString() : null;
}

/// <summary>
/// What actions/upload-artifact keeps of a workspace (its search.ts over @actions/glob): the files the patterns match
/// ('**' any number of folders, '*' and '?' within a name, hidden files left out), stored relative to the least common
/// ancestor of the patterns' search paths (the part before the first wildcard); a single literal file is stored alone.
/// </summary>
internal static class UploadArtifact
{
    public static (string Root, List<string> Files) Collect(string workspace, IReadOnlyList<string> patterns)
    {
        var all = Directory.GetFiles(workspace, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(workspace, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(s => s.StartsWith('.')))
            .Order(StringComparer.Ordinal).ToList();
        var files = all.Where(f => patterns.Any(p => GlobRegex(p).IsMatch(f))).Select(f => Path.Combine(workspace, f)).ToList();

        var searchPaths = new List<string>();
        foreach (var p in patterns.Select(SearchPath).Distinct())
            if (!patterns.Select(SearchPath).Any(o => o != p && (p + "/").StartsWith(o + "/", StringComparison.Ordinal)))
                searchPaths.Add(p);
        string root;
        if (searchPaths.Count > 1)
        {
            var split = searchPaths.Select(s => s.Split('/')).ToList();
            var common = Enumerable.Range(0, split.Min(s => s.Length)).TakeWhile(i => split.All(s => s[i] == split[0][i])).Count();
            root = Path.Combine(workspace, string.Join('/', split[0].Take(common)));
        }
        else if (files.Count == 1 && Path.Combine(workspace, searchPaths[0]) == files[0]) root = Path.GetDirectoryName(files[0])!;
        else root = Path.Combine(workspace, searchPaths[0]);
        return (Path.GetFullPath(root), files);
    }

    private static string SearchPath(string pattern) =>
        string.Join('/', pattern.Split('/').TakeWhile(s => s.IndexOfAny(['*', '?', '[']) < 0));

    public static Regex GlobRegex(string pattern)
    {
        var segments = pattern.Split('/');
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                sb.Append(last ? "(?:[^/]+/)*[^/]+" : "(?:[^/]+/)*");
                continue;
            }
            foreach (var c in segments[i])
                sb.Append(c switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(c.ToString()) });
            if (!last) sb.Append('/');
        }
        return new Regex(sb.Append('$').ToString());
    }
}
