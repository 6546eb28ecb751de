using System.Text.RegularExpressions;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Toolchain;

/// <summary>
/// The Dockerfile cannot be built here (no Docker engine), so it is held to the lock and linted: every pinned version
/// in it must equal toolchain.lock.json, and it must end by running alc doctor.
/// </summary>
public class DockerfileTests
{
    private static readonly string Text = File.ReadAllText(RepoPaths.Combine("Dockerfile"));
    private static readonly ToolchainLock Lock = ToolchainLock.Default;

    /// <summary>Instructions with their continuation lines joined and comments dropped.</summary>
    private static List<string> Instructions()
    {
        var joined = Regex.Replace(Text, @"\\\r?\n", " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    private static Dictionary<string, string> Args() =>
        Instructions().Select(i => Regex.Match(i, @"^ARG\s+([A-Z0-9_]+)=(\S+)$")).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));

    [Fact]
    public void Every_pinned_version_in_the_Dockerfile_equals_the_lock()
    {
        var args = Args();
        Assert.Equal(Lock.AbiProfile, args["ABI_PROFILE"]);
        Assert.Equal(Lock.Tvm.Version, args["TVM_VERSION"]);
        Assert.Equal(Lock.Tvm.Commit, args["TVM_COMMIT"]);
        Assert.Equal(Lock.TvmFfi.Version, args["TVM_FFI_VERSION"]);
        Assert.Equal(Lock.TvmFfi.Commit, args["TVM_FFI_COMMIT"]);
        Assert.Equal(Lock.MlcLlm.Commit, args["MLC_LLM_COMMIT"]);
        Assert.Equal(Lock.Llvm.Major.ToString(), args["LLVM_MAJOR"]);
        Assert.Equal(Lock.AndroidNdk.Version, args["NDK_VERSION"]);
        Assert.Equal(Lock.AndroidNdk.Release, args["NDK_RELEASE"]);
        Assert.True(Version.Parse(args["PYTHON_VERSION"]) >= Lock.Python.MinimumVersion, $"Python {args["PYTHON_VERSION"]} is older than the lock's minimum");
    }

    [Fact]
    public void No_other_version_of_a_pinned_part_appears_anywhere_in_the_Dockerfile()
    {
        // A stray literal (an old commit in a comment-free RUN, llvm-14, another NDK) would slip past the ARG check.
        var body = string.Join("\n", Instructions().Where(i => !i.StartsWith("ARG ", StringComparison.Ordinal)));
        foreach (Match m in Regex.Matches(body, @"\b[0-9a-f]{40}\b")) Assert.Fail($"literal commit {m.Value} outside the ARGs");
        Assert.DoesNotMatch(@"llvm-(?!\$\{LLVM_MAJOR\})\d", body);
        Assert.DoesNotMatch(@"android-ndk-r(?!\$)", body.Replace("android-ndk-${NDK_RELEASE}", ""));
        Assert.DoesNotMatch(@"pip[^\n]*install[^\n]*(apache-tvm-ffi|mlc-ai|mlc-llm|flashinfer)", body);
    }

    [Fact]
    public void The_image_builds_the_toolchain_with_alc_setup_and_ends_with_alc_doctor()
    {
        var runs = Instructions().Where(i => i.StartsWith("RUN ", StringComparison.Ordinal)).ToList();
        Assert.Equal("RUN alc doctor", runs[^1]);
        var setupSteps = runs.Where(r => r.StartsWith("RUN alc toolchain setup --only", StringComparison.Ordinal))
            .SelectMany(r => Regex.Matches(r, @"--only (\S+)").Select(m => m.Groups[1].Value)).ToList();
        // Every build step of the plan runs in the image (the NDK is installed by its own layer; doctor runs last).
        var planned = Ava.Compiler.Toolchain.Setup.SetupPlan.For(Lock, new Ava.Compiler.Toolchain.Setup.SetupOptions("/opt/alc-toolchain").WithExistingNdk("/opt/ndk"))
            .Where(s => s.Action == Ava.Compiler.Toolchain.Setup.SetupAction.RunCommands).Select(s => s.Id).ToList();
        Assert.Equal(planned, setupSteps);
        Assert.Contains(runs, r => r.Contains("grep -qF \"checkout --force --detach ${TVM_COMMIT}\"", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Contains("--self-contained true", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_stage_copies_every_file_the_compiler_embeds_from_outside_src()
    {
        var copies = Instructions().Where(i => i.StartsWith("COPY ", StringComparison.Ordinal) && !i.Contains("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).Select(s => s.TrimEnd('/')).ToHashSet();
        foreach (var csproj in Directory.GetFiles(RepoPaths.Combine("src"), "*.csproj", SearchOption.AllDirectories))
            foreach (Match m in Regex.Matches(File.ReadAllText(csproj), @"Include=""\.\.\\\.\.\\([^\\""]+)"))
            {
                var top = m.Groups[1].Value;
                Assert.True(copies.Contains(top), $"{Path.GetFileName(csproj)} embeds ..\\..\\{top}, which the Dockerfile does not COPY");
            }
    }

    [Fact]
    public void Apt_installs_are_lean_and_pipes_fail_the_build()
    {
        var instructions = Instructions();
        foreach (var run in instructions.Where(i => i.Contains("apt-get install", StringComparison.Ordinal)))
        {
            Assert.Contains("--no-install-recommends", run);
            Assert.Contains("rm -rf /var/lib/apt/lists/*", run);
        }
        var shell = instructions.FindIndex(i => i.StartsWith("SHELL ", StringComparison.Ordinal));
        Assert.True(shell >= 0 && instructions[shell].Contains("pipefail", StringComparison.Ordinal), "SHELL with -o pipefail is missing");
        var firstPipe = instructions.FindIndex(i => i.StartsWith("RUN ", StringComparison.Ordinal) && i.Contains(" | ", StringComparison.Ordinal));
        Assert.True(firstPipe > shell, "a RUN with a pipe comes before SHELL sets pipefail");
        foreach (var from in instructions.Where(i => i.StartsWith("FROM ", StringComparison.Ordinal)))
            Assert.DoesNotContain(":latest", from);
    }

    [Fact]
    public async Task The_Dockerfile_passes_the_dockerfile_utils_linter()
    {
        var r = await NodeTools.RunAsync(NodeTools.Bin("dockerfile-utils"), ["lint", RepoPaths.Combine("Dockerfile")]);
        Assert.True(r.ExitCode == 0 && r.Text.Trim().Length == 0, $"dockerfile-utils lint: {r.Text}{r.StdErr}");
    }
}
