using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>The scripts release.yml and toolchain-image.yml run, with real bash over copies of the real files.</summary>
public class ReleaseScriptTests
{
    private static Task<NodeTools.Result> RunAsync(string script, IEnumerable<string> args, Dictionary<string, string>? env = null) =>
        NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", script), .. args], env, workingDirectory: RepoPaths.Root);

    [Fact]
    public async Task The_release_pins_action_yml_to_an_image_by_digest_and_the_result_passes_action_validator()
    {
        using var dir = new TempDir("pin");
        var file = dir.Write("action.yml", File.ReadAllText(RepoPaths.Combine("action.yml")));
        var image = "ghcr.io/ava/alc-toolchain@sha256:" + new string('a', 64);

        var r = await RunAsync("pin-action-image", [image, file]);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains($"  image: docker://{image}\n", File.ReadAllText(file));
        var lint = await NodeTools.RunAsync(NodeTools.Bin("action-validator"), [file], workingDirectory: dir.Path);
        Assert.True(lint.ExitCode == 0, lint.StdErr + lint.Text);
    }

    [Theory]
    [InlineData("ghcr.io/ava/alc-toolchain:lock-0123")]      // a tag moves
    [InlineData("ghcr.io/ava/alc-toolchain@sha256:abc")]     // not a digest
    [InlineData("")]
    public async Task Pinning_refuses_anything_but_an_image_by_digest(string image)
    {
        using var dir = new TempDir("pin");
        var file = dir.Write("action.yml", File.ReadAllText(RepoPaths.Combine("action.yml")));
        var r = await RunAsync("pin-action-image", [image, file]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not an image by digest", r.StdErr);
        Assert.Equal(File.ReadAllText(RepoPaths.Combine("action.yml")), File.ReadAllText(file));
    }

    private static Dictionary<string, string> LockEnv(string dir, string lockFile) => new()
    {
        ["ALC_LOCK_FILE"] = lockFile, ["ALC_PYTHON_REQUIREMENTS_DIR"] = dir,
    };

    [Fact]
    public async Task The_python_requirements_in_the_repository_are_the_ones_the_lock_gives()
    {
        using var dir = new TempDir("pylock");
        File.Copy(RepoPaths.Combine("docker", "python-requirements.in"), Path.Combine(dir.Path, "python-requirements.in"));
        var r = await RunAsync("lock-python-requirements", ["--check"], LockEnv(dir.Path, RepoPaths.Combine("toolchain.lock.json")));
        // The .in matches; what fails (until someone with PyPI makes it) is the hashed lock, and it says so.
        Assert.DoesNotContain("is not what toolchain.lock.json gives", r.StdErr);
        if (!File.Exists(RepoPaths.Combine("docker", "python-requirements.lock.txt")))
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("python-requirements.lock.txt is missing", r.StdErr);
        }
    }

    [Fact]
    public async Task The_python_check_fails_when_the_lock_lists_a_module_the_requirements_do_not()
    {
        using var dir = new TempDir("pylock");
        File.Copy(RepoPaths.Combine("docker", "python-requirements.in"), Path.Combine(dir.Path, "python-requirements.in"));
        var lockFile = dir.Write("toolchain.lock.json", File.ReadAllText(RepoPaths.Combine("toolchain.lock.json")).Replace("\"requirement\": \"safetensors\"", "\"requirement\": \"safetensors>=0.4\""));
        var r = await RunAsync("lock-python-requirements", ["--check"], LockEnv(dir.Path, lockFile));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("+safetensors>=0.4", r.StdErr);
    }

    [Fact]
    public async Task The_python_check_fails_for_a_hashed_lock_with_a_requirement_without_a_hash()
    {
        using var dir = new TempDir("pylock");
        var input = File.ReadAllText(RepoPaths.Combine("docker", "python-requirements.in"));
        dir.Write("python-requirements.in", input);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(input)));
        dir.Write("python-requirements.lock.txt",
            $"# From python-requirements.in sha256 {sha}\nnumpy==2.2.6 \\\n    --hash=sha256:{new string('1', 64)}\nscipy==1.15.3\n");
        var r = await RunAsync("lock-python-requirements", ["--check"], LockEnv(dir.Path, RepoPaths.Combine("toolchain.lock.json")));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("without a sha256 hash: scipy==1.15.3", r.StdErr);
    }
}
