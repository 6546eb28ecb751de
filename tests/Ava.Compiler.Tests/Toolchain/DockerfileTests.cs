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
    private static List<string> Instructions(string? text = null)
    {
        var joined = Regex.Replace(text ?? Text, @"\\\r?\n", " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    /// <summary>ARG defaults by name. A stage that needs an ARG declares it again; every declaration must agree.</summary>
    private static Dictionary<string, string> Args()
    {
        var all = Instructions().Select(i => Regex.Match(i, @"^ARG\s+([A-Z0-9_]+)=(\S+)$")).Where(m => m.Success)
            .Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value.Trim('"'))).ToList();
        foreach (var g in all.GroupBy(a => a.Name))
            Assert.True(g.Select(a => a.Value).Distinct().Count() == 1, $"ARG {g.Key} has different defaults in different stages: {string.Join(", ", g.Select(a => a.Value))}");
        return all.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.First().Value);
    }

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
    public void Every_base_image_is_pinned_by_digest()
    {
        var args = Args();
        var froms = Instructions().Where(i => i.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(froms);
        foreach (var from in froms)
        {
            var image = from.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).First(t => !t.StartsWith("--", StringComparison.Ordinal));
            var resolved = Regex.Replace(image, @"\$\{(\w+)\}", m => args.GetValueOrDefault(m.Groups[1].Value, m.Value));
            Assert.Matches(@"@sha256:[0-9a-f]{64}$", resolved);
        }
    }

    [Fact]
    public void Downloads_are_checked_by_their_published_sums_and_nothing_is_piped_into_a_shell()
    {
        var runs = string.Join("\n", Instructions().Where(i => i.StartsWith("RUN ", StringComparison.Ordinal)));
        var args = Args();
        Assert.DoesNotMatch(@"curl[^\n|]*\|\s*(sh|bash)\b", runs);
        Assert.Contains("echo \"${NDK_SHA256}  /tmp/ndk.zip\" | sha256sum -c -", runs);
        Assert.Contains("echo \"${NDK_SHA1}  /tmp/ndk.zip\" | sha1sum -c -", runs);
        Assert.Contains("echo \"${sum}  /tmp/rustup-init\" | sha256sum -c -", runs);
        foreach (var name in new[] { "NDK_SHA256", "RUSTUP_SHA256_AMD64", "RUSTUP_SHA256_ARM64" }) Assert.Matches("^[0-9a-f]{64}$", args[name]);
        Assert.Matches("^[0-9a-f]{40}$", args["NDK_SHA1"]);
        // pip reaches only the hash-checked wheelhouse.
        Assert.Contains("--require-hashes", runs);
        Assert.Contains(Instructions(), i => i.StartsWith("ENV PIP_NO_INDEX=1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_final_stage_has_no_compilers_sources_or_rust()
    {
        var instructions = Instructions();
        var lastFrom = instructions.FindLastIndex(i => i.StartsWith("FROM ", StringComparison.Ordinal));
        var final = instructions.Skip(lastFrom).ToList();
        var packages = AptPackages().Last();
        foreach (var p in packages) Assert.DoesNotMatch(@"^(g\+\+|gcc|cmake|make|ninja-build|.*-dev(=.*)?|rustc|cargo)$", p);
        Assert.DoesNotContain(final, i => i.Contains("/opt/rust", StringComparison.Ordinal) || i.Contains("/opt/cargo", StringComparison.Ordinal));
        Assert.Contains(final, i => i == "RUN alc doctor");
        Assert.DoesNotContain(final, i => i.StartsWith("WORKDIR", StringComparison.Ordinal)); // GitHub: Docker actions must not set WORKDIR/USER
        Assert.DoesNotContain(final, i => i.StartsWith("USER", StringComparison.Ordinal));
    }

    /// <summary>The packages of each apt-get install line, with the ARGs of the Dockerfile substituted.</summary>
    private static List<List<string>> AptPackages(string? text = null)
    {
        var args = Args();
        return Instructions(text).Where(i => i.Contains("apt-get install", StringComparison.Ordinal)).Select(run =>
        {
            var tail = run[(run.IndexOf("apt-get install", StringComparison.Ordinal) + "apt-get install".Length)..];
            tail = tail.Split("&&")[0];
            return tail.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => !t.StartsWith('-'))
                .Select(t => Regex.Replace(t.Trim('"'), @"\$\{(\w+)\}", m => args[m.Groups[1].Value])).ToList();
        }).ToList();
    }

    private static bool OnBookworm() =>
        File.Exists("/etc/os-release") && File.ReadAllText("/etc/os-release").Contains("VERSION_CODENAME=bookworm", StringComparison.Ordinal)
        && File.Exists("/usr/bin/apt-get");

    private static Task<NodeTools.Result> SimulateAsync(IEnumerable<string> packages) =>
        NodeTools.RunAsync("apt-get", ["install", "--simulate", "--no-install-recommends", .. packages], workingDirectory: RepoPaths.Root);

    /// <summary>
    /// The base image is Debian bookworm, and so is the test machine: every package each apt line names must resolve
    /// there (apt-get install --simulate exits 0). Pinned versions (llvm-15=1:15.0.6-4+b1) are resolved too.
    /// </summary>
    [SkippableFact]
    public async Task Every_apt_package_in_the_Dockerfile_exists_in_Debian_bookworm()
    {
        Skip.IfNot(OnBookworm(), "not Debian bookworm with apt-get: the Dockerfile's apt lines were NOT checked on this machine");
        var lines = AptPackages();
        Assert.Equal(3, lines.Count);
        foreach (var packages in lines)
        {
            var r = await SimulateAsync(packages);
            Assert.True(r.ExitCode == 0, $"apt-get install --simulate {string.Join(' ', packages)}\n{r.StdErr}");
        }
    }

    [SkippableFact]
    public async Task The_apt_gate_fails_for_the_package_bookworm_does_not_have()
    {
        Skip.IfNot(OnBookworm(), "not Debian bookworm with apt-get: the apt gate's negative case did not run");
        var broken = Text.Replace("\"llvm-${LLVM_MAJOR}-dev=${LLVM_DEB_VERSION}\"", "\"llvm-${LLVM_MAJOR}-dev=${LLVM_DEB_VERSION}\" \"libpolly-${LLVM_MAJOR}-dev\"");
        Assert.NotEqual(Text, broken);
        var r = await SimulateAsync(AptPackages(broken).Single(p => p.Any(x => x.StartsWith("libpolly-", StringComparison.Ordinal))));
        Assert.Equal(100, r.ExitCode);
        Assert.Contains("libpolly-15-dev", r.StdErr);
    }

    [Fact]
    public async Task The_Dockerfile_passes_the_dockerfile_utils_linter()
    {
        var r = await NodeTools.RunAsync(NodeTools.Bin("dockerfile-utils"), ["lint", RepoPaths.Combine("Dockerfile")]);
        Assert.True(r.ExitCode == 0 && r.Text.Trim().Length == 0, $"dockerfile-utils lint: {r.Text}{r.StdErr}");
    }
}
