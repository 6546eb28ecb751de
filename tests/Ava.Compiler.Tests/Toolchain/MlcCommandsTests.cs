using Ava.Compiler.Processes;
using Ava.Compiler.Errors;
using Ava.Compiler.Pipeline;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Tests.Toolchain;

public class MlcCommandsTests
{
    private static readonly MlcCommands Mlc = new("python3", new Dictionary<string, string?>());

    [Fact]
    public void The_system_lib_prefix_is_model_type_and_quantization_made_of_letters_digits_and_underscores()
    {
        Assert.Equal("gemma3_q4f16_1_", MlcCommands.SystemLibPrefix("gemma3", "q4f16_1"));
        Assert.Equal("gemma3_text_q4bf16_1_", MlcCommands.SystemLibPrefix("gemma3_text", "q4bf16_1"));
        Assert.Equal("qwen2_0_5b_q4f16_1_", MlcCommands.SystemLibPrefix("qwen2-0.5b", "q4f16_1"));
    }

    [Fact]
    public void Compile_targets_the_android_preset_with_an_explicit_prefix_and_a_tar_output()
    {
        var c = Mlc.Compile("/b/configure", "q4f16_0", "gemma2", "gemma2_q4f16_0_", "/b/compile/x.tar");
        Assert.Equal(
            "python3 -m mlc_llm compile /b/configure/mlc-chat-config.json --quantization q4f16_0 --model-type gemma2 --device android --system-lib-prefix gemma2_q4f16_0_ --output /b/compile/x.tar",
            c.Display);
        Assert.Throws<ArgumentException>(() => Mlc.Compile("/b", "q4f16_1", "gemma2", "p_", "/b/x.so"));
    }

    [Fact]
    public void Gen_config_passes_only_the_values_that_were_planned()
    {
        var c = Mlc.GenConfig("/m", "q4f16_1", "gemma2", "gemma_instruction", "/o", null, 256, null, null);
        Assert.Equal("python3 -m mlc_llm gen_config /m --quantization q4f16_1 --model-type gemma2 --conv-template gemma_instruction --prefill-chunk-size 256 --output /o", c.Display);
    }

    [Fact]
    public async Task An_unknown_flag_is_rejected_by_argparse_and_reported_as_a_failed_tool_with_its_log()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin", "python") + Path.PathSeparator + PythonStubs.SharedDirectory,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
        var command = new ToolCommand("python3", ["-m", "mlc_llm", "convert_weight", dir.Path, "--quantization", "q4f16_1", "--lora-adapter", "x", "-o", dir["out"]]) { Environment = env };

        var e = await Assert.ThrowsAsync<ExternalToolException>(() => ToolRunner.RunAsync(command, dir["convert.log"], null, null, default));

        Assert.Contains("exit code 2", e.Problem);
        Assert.Contains("unrecognized arguments: --lora-adapter x", e.Problem);
        Assert.Contains("python3 -m mlc_llm convert_weight", File.ReadAllText(dir["convert.log"]));
    }

    [Fact]
    public async Task The_stand_in_rejects_q8f16_1_as_MLC_does()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string?> { ["PYTHONPATH"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin", "python") + Path.PathSeparator + PythonStubs.SharedDirectory, ["PYTHONDONTWRITEBYTECODE"] = "1" };
        var command = Mlc.ConvertWeight(dir.Path, "q8f16_1", "gemma3", dir["out"]) with { Environment = env };
        var e = await Assert.ThrowsAsync<ExternalToolException>(() => ToolRunner.RunAsync(command, dir["c.log"], null, null, default));
        Assert.Contains("invalid choice: 'q8f16_1'", e.Problem);
    }

    [Fact]
    public async Task The_stand_in_stops_on_a_gemma2_config_without_rms_norm_eps_with_MLCs_TypeError()
    {
        using var dir = new TempDir();
        // MLC builds Gemma2Config with cls(**fields) (support/config.py:48-51): a required field left out is a TypeError.
        dir.Write("config.json", """
            {"model_type":"gemma2","attention_bias":false,"hidden_activation":"gelu_pytorch_tanh","hidden_size":64,"intermediate_size":128,
             "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":1,"head_dim":16,"vocab_size":256}
            """);
        var env = new Dictionary<string, string?> { ["PYTHONPATH"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin", "python") + Path.PathSeparator + PythonStubs.SharedDirectory, ["PYTHONDONTWRITEBYTECODE"] = "1" };
        var command = Mlc.ConvertWeight(dir.Path, "q4f16_1", "gemma2", dir["out"]) with { Environment = env };
        var e = await Assert.ThrowsAsync<ExternalToolException>(() => ToolRunner.RunAsync(command, dir["c.log"], null, null, default));
        Assert.Contains("TypeError: Gemma2Config.__init__() missing 1 required positional argument: 'rms_norm_eps'", File.ReadAllText(dir["c.log"]));
    }
}
