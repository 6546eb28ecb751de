using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// The stand-in imports what MLC-LLM 7b15b196 imports, where it imports it, and writes the index where MLC writes it:
/// a toolchain without torch fails as the real one would, and the model folder (a Hub cache snapshot) stays untouched.
/// </summary>
public class ToolchainFidelityTests
{
    [Fact]
    public async Task A_single_model_safetensors_is_indexed_in_a_private_folder_and_the_model_folder_is_left_unmodified()
    {
        using var h = new CompileHarness();
        var before = Snapshot(h.Model);
        Assert.False(File.Exists(Path.Combine(h.Model, "model.safetensors.index.json")));

        var r = await h.RunAsync();

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdErr}");
        Assert.Equal(before, Snapshot(h.Model));
        Assert.False(File.Exists(Path.Combine(h.Model, "model.safetensors.index.json")));
        // The stand-in did write the index, as MLC does: into the folder of links it was given.
        Assert.Contains("MLC reads the model through links", File.ReadAllText(Path.Combine(h.Build, "logs", "convert.log")));
        Assert.False(Directory.Exists(Path.Combine(h.Build, "mlc-model")), "the links are removed after convert");
    }

    [Fact]
    public async Task A_toolchain_without_torch_fails_convert_with_exit_3_naming_torch_why_and_the_cpu_index()
    {
        using var h = new CompileHarness();
        using var stubs = new TempDir("stubs");
        PythonStubs.Install(stubs.Path, "torch");
        var env = h.Environment(("PYTHONPATH", stubs.Path));

        var r = await h.RunAsync(env);

        Assert.Equal(3, r.ExitCode);
        var error = r.Json().RootElement.GetProperty("error");
        Assert.Contains("Python module 'torch' is not installed", error.GetProperty("problem").GetString());
        Assert.Contains("convert_weight", error.GetProperty("problem").GetString());
        Assert.Contains("loader/utils.py:58", error.GetProperty("problem").GetString());
        Assert.Contains("--index-url https://download.pytorch.org/whl/cpu 'torch==2.9.0'", error.GetProperty("fix").GetString());
        // Python's own error is in the convert log, as the real toolchain would write it.
        Assert.Contains("ModuleNotFoundError: No module named 'torch'", File.ReadAllText(Path.Combine(h.Build, "logs", "convert.log")));
        Assert.False(Directory.Exists(h.Dist));
    }

    [Fact]
    public async Task A_toolchain_without_fastapi_fails_at_import_mlc_llm_before_any_subcommand_runs()
    {
        using var h = new CompileHarness();
        using var stubs = new TempDir("stubs");
        PythonStubs.Install(stubs.Path, "fastapi");

        var r = await h.RunAsync(h.Environment(("PYTHONPATH", stubs.Path)));

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("Python module 'fastapi' is not installed", r.StdOut);
        Assert.Contains("import", r.Json().RootElement.GetProperty("error").GetProperty("problem").GetString());
        Assert.Empty(h.CallLines());
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
