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
    public async Task The_publish_script_refuses_an_unsupported_runtime_with_the_supported_list()
    {
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "publish-action"), "--rid", "win-x64"], workingDirectory: RepoPaths.Root);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Use osx-arm64, osx-x64, linux-x64 or linux-arm64", r.StdErr);
    }
}
