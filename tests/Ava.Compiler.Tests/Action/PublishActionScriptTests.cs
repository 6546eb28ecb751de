using Ava.Compiler.Binary;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The composite action for self-hosted macOS runners runs a self-contained ava-action built by scripts/publish-action.
/// This builds the osx-arm64 one (the runtime pack restores from the package feed) and reads the result with our own
/// Mach-O reader.
/// </summary>
public class PublishActionScriptTests
{
    [Fact]
    public async Task The_publish_script_builds_an_arm64_MachO_executable_for_macOS()
    {
        using var dir = new TempDir("publish-osx");
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", "osx-arm64", "--project", "ava-action", "--output", dir.Path],
            workingDirectory: RepoPaths.Root, timeout: TimeSpan.FromMinutes(8));
        Assert.True(r.ExitCode == 0, r.StdErr);

        var binary = ArtifactReader.ReadObject(Path.Combine(dir.Path, "osx-arm64", "ava-action"));

        Assert.Equal(ObjectFormat.MachO, binary.Format);
        Assert.Equal(ObjectKind.Executable, binary.Kind);
        Assert.Equal(64, binary.Bits);
        Assert.Contains(binary.Architecture, new[] { "arm64", "aarch64" });
    }

    [Fact]
    public async Task An_installed_Native_AOT_alc_builds_the_embedded_default_with_nothing_but_its_own_folder()
    {
        // The layout the Docker image and the release tarball install: the publish folder (the Native AOT executable,
        // ONNX Runtime's native library, embedded-models/) plus recipes/, reached through a symlink on PATH, on a
        // machine with no NuGet cache and no checkout. This is the suite's one Native AOT publish (minutes).
        using var dir = new TempDir("installed-alc");
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", "linux-x64", "--project", "alc", "--output", dir["publish"]],
            workingDirectory: RepoPaths.Root, timeout: TimeSpan.FromMinutes(15));
        Assert.True(r.ExitCode == 0, r.StdErr);
        // Native AOT: an ELF file carrying NativeAOT's runtime (its DotNetRuntimeDebugHeader export) and no JIT
        // to load (a JIT-based host names libclrjit.so); no managed alc.dll beside it.
        var published = Path.Combine(dir["publish"], "linux-x64");
        Assert.Equal(ObjectFormat.Elf, ArtifactReader.ReadObject(Path.Combine(published, "alc")).Format); // a PIE: ELF type DYN
        var image = File.ReadAllBytes(Path.Combine(published, "alc"));
        Assert.True(image.AsSpan().IndexOf("DotNetRuntimeDebugHeader"u8) >= 0);
        Assert.True(image.AsSpan().IndexOf("libclrjit.so"u8) < 0);
        Assert.False(File.Exists(Path.Combine(published, "alc.dll")));
        var install = dir["opt/alc"];
        CopyTree(Path.Combine(dir["publish"], "linux-x64"), install);
        CopyTree(RepoPaths.Combine("recipes"), Path.Combine(install, "recipes"));
        Directory.CreateDirectory(dir["bin"]);
        var alc = Path.Combine(dir["bin"], "alc");
        File.CreateSymbolicLink(alc, Path.Combine(install, "alc"));
        var work = dir["work"];
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(dir["home"]);

        var run = await NodeTools.RunAsync(alc, ["compile", "minilm-384", "--json"], new Dictionary<string, string> { ["HOME"] = dir["home"], ["NO_COLOR"] = "1" },
            workingDirectory: work, timeout: TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.True(File.Exists(Path.Combine(work, "dist", "models", "AVA-384-Base-INT8.AON")), run.StdErr);
        Assert.False(Directory.Exists(Path.Combine(dir["home"], ".nuget")));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task The_publish_script_refuses_an_unsupported_runtime_with_the_supported_list()
    {
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", "win-x64"], workingDirectory: RepoPaths.Root);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Use osx-arm64, osx-x64, linux-x64 or linux-arm64", r.StdErr);
    }

    [Fact]
    public async Task The_publish_script_refuses_a_Native_AOT_alc_for_another_OS_with_exit_3()
    {
        // Native AOT links with the target OS's own toolchain: an osx alc cannot be built on Linux (nor a Linux one on macOS).
        var rid = OperatingSystem.IsMacOS() ? "linux-x64" : "osx-arm64";
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", rid, "--project", "alc"], workingDirectory: RepoPaths.Root);

        Assert.Equal(3, r.ExitCode);
        Assert.Contains($"Native AOT builds alc for {rid} only on", r.StdErr);
    }

    private static string FakePublish(TempDir dir, int alcBytes)
    {
        var publish = dir["publish"];
        Directory.CreateDirectory(publish);
        var bytes = new byte[alcBytes];
        new Random(7).NextBytes(bytes); // random: gzip cannot shrink it, so the archive is as big as the file
        File.WriteAllBytes(Path.Combine(publish, "alc"), bytes);
        File.SetUnixFileMode(Path.Combine(publish, "alc"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllBytes(Path.Combine(publish, "libonnxruntime.so"), [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        File.WriteAllText(Path.Combine(publish, "alc.dbg"), "symbols stay out of the archive");
        return publish;
    }

    [Fact]
    public async Task The_release_archive_holds_alc_ONNX_Runtime_and_the_recipes_and_nothing_else()
    {
        using var dir = new TempDir("archive");
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "release-archive"), "linux-x64", FakePublish(dir, 1000), dir["out"]], workingDirectory: RepoPaths.Root);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var list = await NodeTools.RunAsync("tar", ["-tzf", Path.Combine(dir["out"], "alc-linux-x64.tar.gz")], workingDirectory: RepoPaths.Root);
        var entries = list.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => e.TrimStart('.', '/')).Where(e => e.Length > 0).ToList();
        Assert.Contains("alc", entries);
        Assert.Contains("libonnxruntime.so", entries);
        Assert.Contains("recipes/minilm-384.yml", entries);
        Assert.DoesNotContain("alc.dbg", entries);
    }

    [Fact]
    public async Task The_release_archive_gate_fails_for_an_archive_over_40_MB()
    {
        using var dir = new TempDir("archive-big");
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "release-archive"), "linux-x64", FakePublish(dir, 41_000_000), dir["out"]], workingDirectory: RepoPaths.Root);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("over the 40000000-byte budget", r.StdErr);
    }
}
