using System.Text.Json.Serialization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Registry;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry ab validate [ID]</c>: arms, weights and the link proof of one or every experiment.</summary>
public sealed class RegistryAbValidateCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry ab validate", "Prove an A/B experiment can ship: arms exist and are verified, weights sum to 100, and the models link into one app.")
    {
        Positionals = [new PositionalSpec("id", "Experiment id (default: every experiment).", Required: false)],
        Options = [RegistryOptions.Directory, RegistryOptions.Dist],
        Details = """
            The link proof runs alc's bundle check over the arms' registered model libraries (dist/models/llm/<name>/*.ADco,
            else dist/<name>.ALM): distinct system-lib prefixes and no global symbol defined twice, as mlc4j links every
            model library into one libtvm4j_runtime_packed.so. Exit 1 names each problem (and the colliding symbol).
            """,
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var ids = input.PositionalValue("id") is { } id ? [id] : registry.AbIds();
        var results = ids.Select(x => AbValidator.Validate(registry, registry.GetAb(x), RegistryOptions.DistOf(input, context))).ToList();
        var ok = results.All(r => r.Ok);
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new AbValidateJson
            {
                ok = ok,
                experiments = results.Select(r => new AbValidateJson.Experiment { id = r.Experiment.Id, ok = r.Ok, libraries = r.Libraries, problems = r.Problems, bundle = r.Bundle }),
            }, AbValidateJsonContext.Output.AbValidateJson);
            return Task.FromResult(ok ? 0 : 1);
        }
        foreach (var r in results) AbRender.Problems(context, r);
        return Task.FromResult(ok ? 0 : 1);
    }
}

/// <summary>'alc registry ab validate --json'; members are named as its JSON keys (camelCase already), so the code that fills it reads as the output.</summary>
internal sealed record AbValidateJson
{
    public required bool ok { get; init; }
    public required IEnumerable<Experiment> experiments { get; init; }

    internal sealed record Experiment
    {
        public required string id { get; init; }
        public required bool ok { get; init; }
        public required IReadOnlyList<string> libraries { get; init; }
        public required IReadOnlyList<AbProblem> problems { get; init; }
        public Compiler.Verification.VerificationResult? bundle { get; init; }
    }
}

[JsonSerializable(typeof(AbValidateJson))]
internal sealed partial class AbValidateJsonContext : JsonSerializerContext
{
    /// <summary>The context with alc's --json shape policy (<see cref="JsonOutput.NewOptions"/>).</summary>
    public static AbValidateJsonContext Output { get; } = new(JsonOutput.NewOptions());
}
