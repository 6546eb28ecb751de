using Ava.Action;
using Ava.Cli.CommandLine;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;
using Xunit;

namespace Ava.Compiler.Tests.Shells;

/// <summary>
/// The core describes a remedy by its input (the source model, the context size, the runtime files, the linker...)
/// and never names a shell's option; the CLI spells the input with its real option, the Action with its real input.
/// </summary>
public class NeutralFixTextTests
{
    [Fact]
    public void No_text_of_the_core_names_an_option_of_a_shell_or_a_flag_no_tool_has()
    {
        var bad = FixTextAudit.CheckCore(FixTextAudit.CliOptions(FixTextAudit.Commands));
        Assert.True(bad.Count == 0, "core texts naming a flag:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void A_core_fix_naming_an_option_no_shell_has_fails_the_audit()
    {
        var options = FixTextAudit.CliOptions(FixTextAudit.Commands);
        // The defect #18 found: the option is --source; --source-dir exists nowhere.
        Assert.Contains(FixTextAudit.CheckText("Check the recipe's source.hf_repo, or pass a complete local model folder with --source-dir.", options),
            b => b.StartsWith("--source-dir", StringComparison.Ordinal));
        // And the core spelling a real CLI option: the Action has no --context.
        Assert.Contains(FixTextAudit.CheckText("Lower the context (--context).", options), b => b.StartsWith("--context", StringComparison.Ordinal));
        // An alc command is the CLI's words too.
        Assert.NotEmpty(FixTextAudit.CheckText("Then run 'alc doctor --smoke' again.", options));
    }

    [Fact]
    public void A_flag_inside_an_external_tools_command_passes_the_audit()
    {
        var options = FixTextAudit.CliOptions(FixTextAudit.Commands);
        Assert.Empty(FixTextAudit.CheckText("Convert the weights again (mlc_llm convert_weight --quantization q4f16_1 --model-type gemma3).", options));
        Assert.Empty(FixTextAudit.CheckText("--quantization", options));
        Assert.Empty(FixTextAudit.CheckText("'git -C x submodule update --init --recursive'", options));
    }

    [Fact]
    public void Every_input_the_core_marks_is_an_option_of_a_real_alc_command()
    {
        Assert.Empty(FixTextAudit.CheckCliTable(CliInputs.Options, FixTextAudit.Commands));
    }

    [Fact]
    public void A_cli_table_naming_an_option_no_command_has_fails_the_check()
    {
        var table = CliInputs.Options.ToDictionary(kv => kv.Key, kv => kv.Value);
        table[UserInput.Source] = ["--source-dir"];
        Assert.Contains(FixTextAudit.CheckCliTable(table, FixTextAudit.Commands), b => b.Contains("--source-dir", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_input_the_action_spells_is_declared_in_action_yml()
    {
        var inputs = FixTextAudit.ActionYmlInputs(Path.Combine(RepoPaths.Root, "action.yml"));
        Assert.Empty(FixTextAudit.CheckActionTable(ActionInputWords.Inputs, inputs));
    }

    [Fact]
    public void An_action_table_naming_an_input_action_yml_lacks_fails_the_check()
    {
        var inputs = FixTextAudit.ActionYmlInputs(Path.Combine(RepoPaths.Root, "action.yml"));
        var table = ActionInputWords.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value);
        table[UserInput.Context] = "context";
        Assert.Contains(FixTextAudit.CheckActionTable(table, inputs), b => b.Contains("'context'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_marked_fix_reads_in_each_shells_words_and_neutral_in_the_cores_files()
    {
        var e = new BadInputException("The model has no config.json.", $"Pass a complete local model folder as the source{Remedy.Of(UserInput.Source)}.");
        var compile = FixTextAudit.Commands.Single(c => c.Name == "compile");
        Assert.Equal("Pass a complete local model folder as the source (--source SOURCE).", e.FixIn(CliInputs.For(compile)));
        Assert.Equal("Pass a complete local model folder as the source (input 'source').", e.FixIn(ActionInputWords.Spell));
        Assert.Equal("Pass a complete local model folder as the source.", e.Fix);
        // The Action has no context input: the remedy stays the neutral one, never another shell's option.
        var context = new BadInputException("Too long.", $"Lower the context size{Remedy.Of(UserInput.Context)}.");
        Assert.Equal("Lower the context size.", context.FixIn(ActionInputWords.Spell));
        Assert.Equal("Lower the context size (--context TOKENS).", context.FixIn(CliInputs.For(compile)));
    }

    [Fact]
    public void The_cli_names_the_command_that_has_the_option_when_the_running_one_does_not()
    {
        var doctor = FixTextAudit.Commands.Single(c => c.Name == "doctor");
        Assert.Equal("alc verify --linker PATH", CliInputs.Spell(UserInput.Linker, doctor, FixTextAudit.Commands));
        var verify = FixTextAudit.Commands.Single(c => c.Name == "verify");
        Assert.Equal("--runtime PATH", CliInputs.Spell(UserInput.Runtime, verify, FixTextAudit.Commands));
    }

    [Fact]
    public async Task Alc_spells_the_source_option_in_a_real_failure()
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "compile", "minilm-384", "--source", "missing.onnx");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("(--source SOURCE)", r.StdErr);
        Assert.DoesNotContain("⟨", r.StdErr);
    }
}
