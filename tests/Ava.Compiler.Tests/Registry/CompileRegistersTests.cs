using System.Text.Json.Nodes;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Compile;

namespace Ava.Compiler.Tests.Registry;

/// <summary>The compile pipeline's register step: `alc compile` (MLC-LLM test stand-in) writes the registry entry.</summary>
public class CompileRegistersTests
{
    [Fact]
    public async Task An_llm_compile_registers_its_build_and_a_rerun_leaves_the_entry_byte_identical()
    {
        using var h = new CompileHarness();
        var first = await h.RunAsync();
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Equal("created", first.Json().RootElement.GetProperty("registry").GetProperty("change").GetString());

        var path = h.Dir["registry/models/AVA-GE3-1B16.json"];
        var text = File.ReadAllText(path);
        Assert.Empty(RegistrySchemas.ValidateModel(JsonNode.Parse(text)!));
        var e = new ModelRegistry(h.Dir["registry"]).GetModel("AVA-GE3-1B16");
        Assert.True(e.Verified);
        Assert.Equal(("gemma3_text", "q4f16_1", false), (e.Family, e.Quantization.Name, e.Quantization.Experimental));
        Assert.Equal("gemma3_text_q4f16_1", e.Model.ModelLib);
        Assert.Equal("0.22.0", e.Toolchain.TvmVersion);
        Assert.Equal(RegistryEntries.LocalSourceCommit, e.Source.Commit); // --source DIR: no Hub commit to record
        Assert.Equal(new FileInfo(h.Package).Length, e.ArtifactWithRole(ArtifactRole.Package)!.Size);

        var again = await h.RunAsync();
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Equal("unchanged", again.Json().RootElement.GetProperty("registry").GetProperty("change").GetString());
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public async Task ALC_REGISTRY_moves_the_entry_and_a_rerun_with_every_stage_up_to_date_writes_a_lost_entry_again()
    {
        using var h = new CompileHarness();
        var env = h.Environment(("ALC_REGISTRY", "models-registry"));
        var first = await h.RunAsync(env);
        Assert.True(first.ExitCode == 0, first.StdErr);
        var path = h.Dir["models-registry/models/AVA-GE3-1B16.json"];
        Assert.Equal(path, first.Json().RootElement.GetProperty("registry").GetProperty("path").GetString());
        Assert.False(Directory.Exists(h.Dir["registry"]));
        var text = File.ReadAllText(path);

        File.Delete(path);
        var again = await h.RunAsync(env);
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.All(again.Json().RootElement.GetProperty("report").GetProperty("stages").EnumerateArray(),
            s => Assert.Equal("skipped", s.GetProperty("status").GetString()));
        Assert.Equal("created", again.Json().RootElement.GetProperty("registry").GetProperty("change").GetString());
        Assert.Equal(text, File.ReadAllText(path));

        // --registry wins over the variable.
        var flag = await h.RunAsync(env, "--registry", "other");
        Assert.True(flag.ExitCode == 0, flag.StdErr);
        Assert.Equal(text, File.ReadAllText(h.Dir["other/models/AVA-GE3-1B16.json"]));
    }
}
