using Ava.Compiler.Pipeline.Aon;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Recipes;
using Ava.Compiler.Registry;

namespace Ava.Compiler.Pipeline.Compile;

/// <summary>What <see cref="ModelCompiler.RunAsync"/> did: a model built (<see cref="Built"/>) or an LLM plan shown.</summary>
public abstract record CompileOutcome(Recipe Recipe);

/// <summary>An LLM compile planned, not run (<see cref="CompileRequest.PlanOnly"/>).</summary>
/// <param name="Environment">Only what alc sets for the toolchain, not the whole inherited environment.</param>
/// <param name="PythonUnknown">No interpreter is configured, so the plan shows 'python3'.</param>
public sealed record LlmPlanned(Recipe Recipe, BuildPlanView Plan, IReadOnlyDictionary<string, string> Environment, bool PythonUnknown)
    : CompileOutcome(Recipe);

/// <summary>An `.AON` compile planned, not run: the stages it would run and every file it would write.</summary>
public sealed record AonPlanned(Recipe Recipe, string AvaName, string Source, string BuildDirectory, IReadOnlyList<string> Stages, IReadOnlyList<string> Files)
    : CompileOutcome(Recipe);

/// <summary>A model built, verified, published to dist/ and registered, whichever its kind.</summary>
/// <param name="Artifact">The file a release ships: the `.ALM` or the `.AON`.</param>
public abstract record Built(Recipe Recipe, string AvaName, string Artifact, string ReportMarkdown, RegisterResult Registered)
    : CompileOutcome(Recipe);

public sealed record LlmBuilt(Recipe Recipe, CompileReport Report)
    : Built(Recipe, Report.AvaName, Report.Outputs.Package, Report.ToMarkdown(), Report.Registered!)
{
    /// <summary>The toolchain smoke test this compile ran or found cached; null when the toolchain checks were skipped.</summary>
    public Toolchain.Smoke.SmokeResult? Smoke { get; init; }
}

public sealed record AonBuilt(Recipe Recipe, AonCompileResult Result)
    : Built(Recipe, Result.Recipe.AvaName, Result.ArtifactPath, Result.ReportMarkdown, Result.Registered);
