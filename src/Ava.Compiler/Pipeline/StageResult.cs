using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// A typed handle on what a stage keeps in its stamp: the stage's name and the JSON contract of its result, so a
/// reader names the stage and gets a record back (a misspelt field is a compile error, not a null at run time).
/// </summary>
public sealed class StageResult<T>(string stage, JsonTypeInfo<T> contract) where T : class
{
    public string Stage => stage;

    /// <summary>The result as the stamp stores it.</summary>
    public JsonObject ToData(T value) => JsonSerializer.SerializeToNode(value, contract)!.AsObject();

    /// <summary>Reads the result back from a stamp's data.</summary>
    public T Read(JsonObject? data) =>
        (data is null ? null : data.Deserialize(contract))
        ?? throw new InvalidOperationException($"The {stage} stage's stamp holds no result.");

    /// <summary>The result a finished (run or skipped) stage recorded.</summary>
    public T Of(StageRecord record) =>
        record.Name == stage ? Read(record.Stamp.Data) : throw new InvalidOperationException($"Asked the {record.Name} stage for the {stage} stage's result.");

    /// <summary>The result of this stage among a run's records.</summary>
    public T Of(IEnumerable<StageRecord> records) => Of(records.Single(r => r.Name == stage));
}
