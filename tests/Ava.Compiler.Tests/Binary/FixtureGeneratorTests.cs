using System.Diagnostics;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Binary;

public class FixtureGeneratorTests
{
    [Fact]
    public async Task The_committed_binary_fixtures_are_what_the_generator_script_builds_from_the_sources()
    {
        using var dir = new TempDir("fixtures");
        var outDir = dir["out"];
        var psi = new ProcessStartInfo("bash", [RepoPaths.Combine("tests", "fixtures", "tvm", "generate.sh"), outDir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "generate.sh did not finish");
        Assert.True(p.ExitCode == 0, $"generate.sh failed (clang-14/lld-14 are installed by scripts/install-test-deps): {await stderr}");

        var committed = RepoPaths.Combine("tests", "fixtures", "tvm", "out");
        var expected = Directory.GetFiles(committed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(committed, f)).Order().ToList();
        var built = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outDir, f)).Order().ToList();
        Assert.Equal(expected, built);
        var differing = expected.Where(f => !File.ReadAllBytes(Path.Combine(committed, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, f)))).ToList();
        Assert.True(differing.Count == 0, $"regenerate the fixtures (tests/fixtures/tvm/generate.sh); these differ: {string.Join(", ", differing)}");
    }
}
