using Ava.Cli.CommandLine;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Cli;

public class CommandLineTests
{
    private static readonly CommandSpec Spec = new("demo run", "A demo.")
    {
        Options =
        [
            OptionSpec.Value("--target", "TARGET", "Target.", "android-arm64"),
            OptionSpec.Repeatable("--runtime", "FILE", "Runtime."),
            OptionSpec.Flag("--bundle", "Bundle."),
        ],
        Positionals = [new PositionalSpec("model", "Model id.", AlsoOption: "--model"), new PositionalSpec("paths", "Paths.", Required: false, Variadic: true)],
    };

    private static readonly CommandSpec SpecWithModelOption = Spec with
    {
        Options = [.. Spec.Options, OptionSpec.Value("--model", "MODEL", "Model id.")],
    };

    [Fact]
    public void I_can_give_values_inline_or_as_the_next_word_and_repeat_a_repeatable_option()
    {
        var input = ArgumentParser.Parse(Spec, ["m", "--target=macos-arm64", "--runtime", "a.so", "--runtime", "b.so", "--bundle", "x", "y"]);
        Assert.Equal("macos-arm64", input.Value("--target"));
        Assert.Equal(["a.so", "b.so"], input.Values("--runtime"));
        Assert.True(input.Flag("--bundle"));
        Assert.Equal("m", input.PositionalValue("model"));
        Assert.Equal(["x", "y"], input.Positional("paths"));
    }

    [Fact]
    public void An_option_left_out_takes_its_default()
    {
        var input = ArgumentParser.Parse(Spec, ["m"]);
        Assert.Equal("android-arm64", input.Value("--target"));
        Assert.False(input.Flag("--json"));
    }

    [Fact]
    public void A_positional_can_also_be_given_as_its_option()
    {
        Assert.Equal("gemma3-4b", ArgumentParser.Parse(SpecWithModelOption, ["--model", "gemma3-4b"]).PositionalValue("model"));
        Assert.Equal("gemma3-4b", ArgumentParser.Parse(SpecWithModelOption, ["gemma3-4b"]).PositionalValue("model"));
        var e = Assert.Throws<BadInputException>(() => ArgumentParser.Parse(SpecWithModelOption, ["a", "--model", "b"]));
        Assert.Contains("given twice", e.Message);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_that_suggests_the_near_one()
    {
        var e = Assert.Throws<BadInputException>(() => ArgumentParser.Parse(Spec, ["m", "--targt", "x"]));
        Assert.Equal(ExitCode.BadInput, e.ExitCode);
        Assert.Contains("--targt", e.Message);
        Assert.Contains("Did you mean --target?", e.Message);
    }

    [Fact]
    public void A_missing_value_or_positional_is_a_usage_error()
    {
        Assert.Contains("--target needs a value", Assert.Throws<BadInputException>(() => ArgumentParser.Parse(Spec, ["m", "--target"])).Message);
        Assert.Contains("needs a <model>", Assert.Throws<BadInputException>(() => ArgumentParser.Parse(Spec, [])).Message);
        Assert.Contains("switch", Assert.Throws<BadInputException>(() => ArgumentParser.Parse(Spec, ["m", "--bundle=yes"])).Message);
    }

    [Fact]
    public void Every_command_class_is_named_after_its_command_words_so_alc_finds_it_without_loading_the_others()
    {
        Assert.NotEmpty(Ava.Cli.AlcApp.Commands);
        foreach (var command in Ava.Cli.AlcApp.Commands)
            Assert.Equal(Ava.Cli.AlcApp.CommandClassName(command.Spec.Name.Split(' ')), command.GetType().FullName);
    }

    /// <summary>Command classes of <paramref name="types"/> that the table does not make, or makes under another name.</summary>
    private static List<string> NotInTable(IEnumerable<Type> types, IReadOnlyDictionary<string, Func<Ava.Cli.CommandLine.AlcCommand>> table)
    {
        var made = table.ToDictionary(kv => kv.Value().GetType(), kv => kv.Key);
        return types.Where(t => t is { IsAbstract: false, IsClass: true } && typeof(Ava.Cli.CommandLine.AlcCommand).IsAssignableFrom(t))
            .Where(t => !made.TryGetValue(t, out var key) || key != ((Ava.Cli.CommandLine.AlcCommand)Activator.CreateInstance(t)!).Spec.Name)
            .Select(t => t.FullName!).ToList();
    }

    [Fact]
    public void Every_command_class_in_alc_is_in_the_command_table_under_its_own_name()
    {
        Assert.Empty(NotInTable(typeof(Ava.Cli.AlcApp).Assembly.GetTypes(), Ava.Cli.CommandLine.CommandTable.ByName));
    }

    private sealed class UnlistedCommand : Ava.Cli.CommandLine.AlcCommand
    {
        public override CommandSpec Spec { get; } = new("unlisted", "A command nobody added to the table.");

        public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken) => Task.FromResult(0);
    }

    [Fact]
    public void A_command_class_missing_from_the_table_is_named_by_the_table_check()
    {
        Assert.Equal([typeof(UnlistedCommand).FullName!], NotInTable([typeof(UnlistedCommand), typeof(Ava.Cli.Commands.VerifyCommand)], Ava.Cli.CommandLine.CommandTable.ByName));
    }

    [Fact]
    public async Task A_command_is_found_before_its_positionals_and_options_whatever_they_look_like()
    {
        using var dir = new TempDir();
        var run = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "registry", "ab", "show", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("registry ab show", run.StdOut);
        run = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "verify", "lib0.o", "Verify[1]+x,y", "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("lib0.o does not exist", run.StdOut);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_with_one_paragraph_and_no_stack_trace()
    {
        var r = await AlcRun.RunAsync("verfy");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown command 'verfy'", r.StdErr);
        Assert.DoesNotContain("   at ", r.StdErr);
        Assert.Equal("", r.StdOut);
    }

    [Fact]
    public async Task With_json_a_failure_is_one_result_object_on_stdout()
    {
        var r = await AlcRun.RunAsync("nonsense", "--json");
        Assert.Equal(2, r.ExitCode);
        using var doc = r.Json();
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("bad-input", doc.RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Running_alc_without_a_command_lists_the_commands_and_exits_2()
    {
        var r = await AlcRun.RunAsync();
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Usage: alc <command>", r.StdErr);
    }

    [Fact]
    public async Task Secrets_in_the_environment_never_reach_the_output()
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync(dir.Path, new Dictionary<string, string> { ["HF_TOKEN"] = "hf_secretvalue123" }, "hf_secretvalue123");
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("hf_secretvalue123", r.StdErr);
        Assert.Contains("***", r.StdErr);
    }
}
