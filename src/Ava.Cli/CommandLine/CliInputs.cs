using Ava.Compiler.Errors;

namespace Ava.Cli.CommandLine;

/// <summary>
/// How <c>alc</c> spells the inputs the core's texts mark (<see cref="Remedy"/>): by the option that stands for it,
/// with its value name (<c>--source SOURCE</c>). The running command's own option wins (verify's <c>--runtime</c>,
/// compile's <c>--ava-runtime</c>); otherwise the command that has it is named (<c>alc verify --linker PATH</c>).
/// A test holds this table against the command definitions.
/// </summary>
public static class CliInputs
{
    /// <summary>The options that stand for each input, preferred first.</summary>
    public static IReadOnlyDictionary<UserInput, IReadOnlyList<string>> Options { get; } = new Dictionary<UserInput, IReadOnlyList<string>>
    {
        [UserInput.Source] = ["--source"],
        [UserInput.Vocab] = ["--vocab"],
        [UserInput.Context] = ["--context"],
        [UserInput.Quantization] = ["--quantization"],
        [UserInput.Target] = ["--target"],
        [UserInput.BuildFolder] = ["--build-dir"],
        [UserInput.OutputFolder] = ["--out"],
        [UserInput.Registry] = ["--registry"],
        [UserInput.Runtime] = ["--runtime", "--ava-runtime"],
        [UserInput.App] = ["--app", "--ava-app"],
        [UserInput.SystemLibs] = ["--system-libs"],
        [UserInput.Linker] = ["--linker"],
        [UserInput.Ndk] = ["--ndk"],
        [UserInput.LlvmConfig] = ["--llvm-config"],
        [UserInput.Python] = ["--python"],
        [UserInput.TvmSource] = ["--tvm-source"],
        [UserInput.TvmBuild] = ["--tvm-build"],
        [UserInput.MlcLlm] = ["--mlc-llm"],
        [UserInput.ToolchainConfig] = ["--toolchain-config"],
        [UserInput.Models] = ["--models"],
        [UserInput.Experiment] = ["--ab"],
        [UserInput.DistFolder] = ["--dist"],
        [UserInput.Include] = ["--include"],
        [UserInput.Revision] = ["--revision"],
        [UserInput.LocalDir] = ["--local-dir"],
    };

    /// <summary>The spelling for texts printed while <paramref name="command"/> runs (null: none yet).</summary>
    public static Func<UserInput, string?> For(CommandSpec? command) => input => Spell(input, command, AlcApp.Commands.Select(c => c.Spec));

    /// <summary>The spelling against a given set of commands (tests use the real ones).</summary>
    public static string? Spell(UserInput input, CommandSpec? command, IEnumerable<CommandSpec> all)
    {
        if (!Options.TryGetValue(input, out var names)) return null;
        foreach (var name in names)
            if (command?.AllOptions.FirstOrDefault(o => o.Name == name) is { } own) return Usage(own);
        foreach (var name in names)
            if (all.FirstOrDefault(c => c.AllOptions.Any(o => o.Name == name)) is { } other)
                return $"alc {other.Name} {Usage(other.AllOptions.First(o => o.Name == name))}";
        return null;
    }

    private static string Usage(OptionSpec o) => o.ValueName is null ? o.Name : $"{o.Name} {o.ValueName}";
}
