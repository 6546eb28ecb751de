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
    public async Task An_installed_single_file_alc_builds_the_embedded_default_with_nothing_but_its_own_folder()
    {
        // The layout the Docker image and the release tarball install: the publish folder plus recipes/, reached through
        // a symlink on PATH, on a machine with no NuGet cache and no checkout.
        using var dir = new TempDir("installed-alc");
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", "linux-x64", "--project", "alc", "--output", dir["publish"]],
            workingDirectory: RepoPaths.Root, timeout: TimeSpan.FromMinutes(8));
        Assert.True(r.ExitCode == 0, r.StdErr);
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
}
