using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The native (macOS) composite action's first run: step, executed with bash as the runner would, in the layout a
/// downloaded action has (…/_actions/ava/model-compile/v1, no .git). Its keys must come from the action's content:
/// the old `git rev-parse HEAD || echo local` gave 'local' there forever.
/// </summary>
public class NativeActionTests
{
    private static string CopyAction(TempDir dir)
    {
        var root = Path.Combine(dir.Path, "_actions", "ava", "model-compile", "v1");
        foreach (var folder in new[] { "src", "abi", "schemas", "recipes", "action" })
            CopyTree(RepoPaths.Combine(folder), Path.Combine(root, folder));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "toolchain.lock.json" })
            File.Copy(RepoPaths.Combine(file), Path.Combine(root, file));
        return root;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(from, f);
            if (rel.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, rel))!);
            File.Copy(f, Path.Combine(to, rel));
        }
        if (OperatingSystem.IsLinux() && File.Exists(Path.Combine(to, "native")))
            File.SetUnixFileMode(Path.Combine(to, "native"), File.GetUnixFileMode(Path.Combine(from, "native")));
    }

    private static async Task<Dictionary<string, string>> KeysAsync(string actionRoot, string toolCache)
    {
        var r = await NodeTools.RunAsync("bash", [Path.Combine(actionRoot, "action", "native"), "keys"],
            new Dictionary<string, string> { ["RUNNER_TOOL_CACHE"] = toolCache }, workingDirectory: actionRoot);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public async Task A_downloaded_action_without_git_gets_content_keys_that_change_with_its_sources_and_its_lock()
    {
        using var dir = new TempDir("native-action");
        var root = CopyAction(dir);
        Assert.False(Directory.Exists(Path.Combine(root, ".git")));
        var toolCache = Path.Combine(dir.Path, "tool-cache");

        var first = await KeysAsync(root, toolCache);
        Assert.Matches("^[0-9a-f]{16}$", first["source"]);
        Assert.NotEqual("local", first["source"]);
        Assert.Equal(Path.Combine(toolCache, "alc-toolchain", first["lock"]), first["prefix"]);
        Assert.Contains(first["rid"], new[] { "linux-x64", "linux-arm64", "osx-arm64", "osx-x64" });
        Assert.Equal(first, await KeysAsync(root, toolCache)); // same content, same keys

        // A new action version (v1 moved): another ava-action build, the same toolchain.
        File.AppendAllText(Path.Combine(root, "src", "Ava.Action", "Program.cs"), "\n// v1.0.1\n");
        var moved = await KeysAsync(root, toolCache);
        Assert.NotEqual(first["source"], moved["source"]);
        Assert.Equal(first["lock"], moved["lock"]);

        // Another lock: another toolchain prefix, so two locks share a runner.
        File.AppendAllText(Path.Combine(root, "toolchain.lock.json"), "\n");
        var relocked = await KeysAsync(root, toolCache);
        Assert.NotEqual(first["lock"], relocked["lock"]);
        Assert.NotEqual(first["prefix"], relocked["prefix"]);
    }
}
