using Ava.Compiler.Hashing;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// One step of a build. A stage declares what its result depends on (<see cref="DescribeInputs"/>) and produces files
/// in the folder it is given (<see cref="RunAsync"/>). The engine turns the inputs into a key, skips the stage when a
/// finished output with the same key exists, and otherwise runs it in a temp folder that is renamed on success.
/// </summary>
public interface IStage
{
    /// <summary>Folder-safe name, unique in a pipeline: "convert", "aon-quantize".</summary>
    string Name { get; }

    /// <summary>Names of earlier stages whose outputs this stage reads; their keys become part of this stage's key.</summary>
    IReadOnlyList<string> DependsOn { get; }

    /// <summary>
    /// Adds everything the output depends on: options, content hashes of input files, tool versions. It must not
    /// read dependency outputs (they may not exist yet when a plan is printed); the dependency keys are added for it.
    /// Bump a "stage-version" input when the stage's own logic changes what it writes.
    /// </summary>
    void DescribeInputs(KeyBuilder key, StageKeyContext context);

    /// <summary>Writes the stage's outputs into <see cref="StageContext.OutputDirectory"/>. Throw an AlcException to fail.</summary>
    Task<StageOutcome> RunAsync(StageContext context);
}

/// <summary>
/// A stage with a typed result: it returns a <typeparamref name="TResult"/>, which the engine keeps in the stamp through
/// <see cref="Result"/> (a source-generated JSON contract), and later stages read it back with
/// <see cref="StageContext.ResultOf{T}"/>, even when this stage was skipped.
/// </summary>
public interface IStage<TResult> : IStage where TResult : class
{
    /// <summary>The stage's name with the contract its result is stored by.</summary>
    StageResult<TResult> Result { get; }

    /// <summary>Writes the stage's outputs and returns its typed result.</summary>
    new Task<StageOutcome<TResult>> RunAsync(StageContext context);

    async Task<StageOutcome> IStage.RunAsync(StageContext context)
    {
        var outcome = await RunAsync(context);
        return new StageOutcome(outcome.Summary, Result.ToData(outcome.Value));
    }
}

/// <summary>A typed stage's one-line summary and its result.</summary>
public sealed record StageOutcome<TResult>(string? Summary, TResult Value) where TResult : class;

/// <summary>What a stage may consult while describing its inputs.</summary>
public sealed record StageKeyContext(HashCache HashCache);

/// <summary>
/// What a stage reports besides its files: a one-line summary and structured data kept in the stage's stamp, so later
/// stages and the report can read it even when this stage is skipped on a rerun.
/// </summary>
public sealed record StageOutcome(string? Summary = null, System.Text.Json.Nodes.JsonObject? Data = null)
{
    public static readonly StageOutcome Empty = new();
}
