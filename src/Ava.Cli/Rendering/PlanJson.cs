using System.Text.Json;
using System.Text.Json.Serialization;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Cli.Rendering;

/// <summary>`alc compile --plan --json` for an LLM recipe: the core's plan as it is (the CLI adds nothing but ok).</summary>
public sealed record LlmPlanJson(bool Ok, BuildPlanView Plan);

/// <summary>Source-generated contract for the plan's --json (Native AOT has no reflection-based serializer); the options are JsonOutput's.</summary>
[JsonSerializable(typeof(LlmPlanJson))]
internal sealed partial class PlanJsonContext : JsonSerializerContext
{
    public static readonly PlanJsonContext Output = new(new JsonSerializerOptions(JsonOutput.Options));
}
