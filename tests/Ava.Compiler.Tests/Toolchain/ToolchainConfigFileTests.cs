using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;

namespace Ava.Compiler.Tests.Toolchain;

/// <summary>
/// The config file shares its location properties with the command line's overrides (<see cref="ToolchainPaths"/>);
/// the file it writes keeps the property order it always had.
/// </summary>
public class ToolchainConfigFileTests
{
    [Fact]
    public void A_saved_config_lists_every_entry_in_the_order_the_file_has_always_had()
    {
        using var dir = new TempDir("config");
        var path = dir["toolchain.json"];
        new ToolchainConfigFile
        {
            Prefix = "/p", TvmSourceDir = "/ts", TvmBuildDir = "/tb", MlcLlmDir = "/m", Python = "/py", LlvmConfig = "/lc",
            LlvmPrefix = "/lp", NdkDir = "/n", AvaRuntime = ["/r"], AvaApp = ["/a1", "/a2"], AvaRuntimeLibrary = ["/rl"],
        }.Save(path);

        Assert.Equal("""
            {
              "prefix": "/p",
              "tvmSourceDir": "/ts",
              "tvmBuildDir": "/tb",
              "mlcLlmDir": "/m",
              "python": "/py",
              "llvmConfig": "/lc",
              "llvmPrefix": "/lp",
              "ndkDir": "/n",
              "avaRuntime": "/r",
              "avaApp": [
                "/a1",
                "/a2"
              ],
              "avaRuntimeLibrary": "/rl"
            }

            """, File.ReadAllText(path));
    }

    [Fact]
    public void An_entry_the_file_does_not_know_is_refused()
    {
        using var dir = new TempDir("config");
        var path = dir.Write("toolchain.json", """{ "ndk": "/n" }""");

        var e = Assert.Throws<Ava.Compiler.Errors.BadInputException>(() => ToolchainConfigFile.Load(path));

        Assert.Contains("is not valid JSON for alc", e.Problem);
    }
}
