using System.Globalization;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Errors;
using Ava.Compiler.Registry;
using Spectre.Console;

namespace Ava.Cli.Commands;

/// <summary><c>alc registry ab create ID --arm MODEL:WEIGHT:ROLE ...</c>: writes registry/ab/ID.json once it validates.</summary>
public sealed class RegistryAbCreateCommand : AlcCommand
{
    public override CommandSpec Spec { get; } = new("registry ab create", "Create (or replace) an A/B experiment; it is written only when it validates.")
    {
        Positionals = [new PositionalSpec("id", "Experiment id: lower case, digits and '-', e.g. gemma3-4b-vs-gemma2-2b.")],
        Options =
        [
            OptionSpec.Repeatable("--arm", "MODEL:WEIGHT:ROLE", "An arm: AVA name, traffic percent, control|treatment (two or more)."),
            OptionSpec.Value("--description", "TEXT", "What the experiment compares."),
            OptionSpec.Repeatable("--metric", "NAME", "A metric to compare (one or more), e.g. tokens-per-second."),
            OptionSpec.Value("--start-date", "YYYY-MM-DD", "When it starts (default: today, UTC)."),
            OptionSpec.Value("--status", "STATUS", "The experiment's state.", "draft").OneOf([.. Enum.GetNames<AbStatus>().Select(n => n.ToLowerInvariant())]),
            OptionSpec.Flag("--no-link-proof", "Skip the link proof (the libraries are not on this machine); 'ab validate' must run it later."),
            RegistryOptions.Directory,
            RegistryOptions.Dist,
        ],
        Details = """
            Example:
              alc registry ab create gemma3-4b-vs-gemma2-2b --arm AVA-GE2-2B16:50:control --arm AVA-GE3-4B16:50:treatment \
                --description "Gemma 3 4B against the Gemma 2 2B baseline" --metric tokens-per-second --metric user-rating
            """,
    };

    public override Task<int> ExecuteAsync(CommandInput input, CliContext context, CancellationToken cancellationToken)
    {
        var registry = RegistryOptions.Open(input, context);
        var id = input.PositionalValue("id")!;
        var arms = input.Values("--arm").Select(ParseArm).ToList();
        if (arms.Count < 2) throw new BadInputException($"An A/B experiment needs at least two arms; {arms.Count} given.", "Pass --arm MODEL:WEIGHT:ROLE once per model.");
        var metrics = input.Values("--metric");
        if (metrics.Count == 0) throw new BadInputException("No --metric was given.", "Name what the experiment compares, e.g. --metric tokens-per-second --metric user-rating.");
        var status = input.Value("--status")!;
        var experiment = new AbExperiment
        {
            Id = id,
            Description = input.Value("--description") ?? "",
            Status = Enum.Parse<AbStatus>(status, ignoreCase: true),
            StartDate = input.Value("--start-date") ?? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Arms = arms,
            Metrics = metrics,
        };
        var validation = AbValidator.Validate(registry, experiment, RegistryOptions.DistOf(input, context), !input.Flag("--no-link-proof"));
        if (!validation.Ok)
        {
            if (input.Json)
            {
                JsonOutput.Write(context.Out, new { ok = false, exitCode = 1, id, problems = validation.Problems });
                return Task.FromResult(1);
            }
            AbRender.Problems(context, validation);
            context.Human.MarkupLine($"Nothing was written.");
            return Task.FromResult(1);
        }
        var path = registry.SaveAb(experiment);
        if (input.Json)
        {
            JsonOutput.Write(context.Out, new { ok = true, path, experiment, linkProof = validation.Bundle is not null });
            return Task.FromResult(0);
        }
        AbRender.Experiment(context, experiment);
        AbRender.Problems(context, validation);
        context.Human.MarkupLine($"wrote {Spectre.Console.Markup.Escape(path)}");
        return Task.FromResult(0);
    }

    private static AbArm ParseArm(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 100
            || !Enum.TryParse<AbRole>(parts[2], ignoreCase: true, out var role) || !Enum.IsDefined(role) || parts[2].All(char.IsDigit))
            throw new BadInputException($"--arm '{text}' is not MODEL:WEIGHT:ROLE.", "Write it like AVA-GE3-4B16:50:treatment (weight 0-100, role control or treatment).");
        return new AbArm(parts[0], weight, role);
    }
}
