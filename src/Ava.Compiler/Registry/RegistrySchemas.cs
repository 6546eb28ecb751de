using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Ava.Compiler.Registry;

/// <summary>One schema violation: the field (dotted path, e.g. <c>toolchain.tvmCommit</c>) and what is wrong with it.</summary>
public sealed record SchemaProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// Validates registry files against schemas/registry-model.schema.json and registry-ab.schema.json (embedded in alc,
/// JsonSchema.Net). Each problem names the field, so a broken entry says what to fix.
/// </summary>
public static partial class RegistrySchemas
{
    private static readonly Lazy<JsonSchema> ModelSchema = new(() => Load("registry-model.schema.json"));
    private static readonly Lazy<JsonSchema> AbSchema = new(() => Load("registry-ab.schema.json"));

    public static IReadOnlyList<SchemaProblem> ValidateModel(JsonNode node) => Validate(ModelSchema.Value, node);

    public static IReadOnlyList<SchemaProblem> ValidateAb(JsonNode node) => Validate(AbSchema.Value, node);

    private static JsonSchema Load(string name)
    {
        using var stream = typeof(RegistrySchemas).Assembly.GetManifestResourceStream("schemas/" + name)
                           ?? throw new InvalidOperationException($"schemas/{name} is not embedded in {typeof(RegistrySchemas).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }

    private static IReadOnlyList<SchemaProblem> Validate(JsonSchema schema, JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var results = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var problems = new List<SchemaProblem>();
        foreach (var d in results.Details ?? [])
        {
            // An "if" that does not match is how the kind-specific rules switch off, not a failure.
            if (d.Errors is null || d.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal)) continue;
            var field = Field(d.InstanceLocation.ToString());
            foreach (var (keyword, message) in d.Errors)
            {
                if (keyword == "required")
                {
                    foreach (Match m in QuotedName().Matches(message))
                        problems.Add(new SchemaProblem(Join(field, m.Groups[1].Value), "is required but missing"));
                    continue;
                }
                if (keyword is "additionalProperties" or "false" || message.Contains("false schema", StringComparison.Ordinal))
                {
                    problems.Add(new SchemaProblem(field, "is not a field of this schema (misspelled?)"));
                    continue;
                }
                problems.Add(new SchemaProblem(field, message));
            }
        }
        // allOf/if-then nest the same failure; the schema's own "false" results carry no message worth showing.
        return problems.Where(p => !string.IsNullOrWhiteSpace(p.Message)).Distinct().OrderBy(p => p.Field, StringComparer.Ordinal).ToList();
    }

    private static string Field(string pointer)
    {
        if (pointer is "" or "/" or "#") return "(top level)";
        return string.Join('.', pointer.TrimStart('#').Trim('/').Split('/')
            .Select(s => s.Replace("~1", "/").Replace("~0", "~"))
            .Select(s => int.TryParse(s, out _) ? $"[{s}]" : s)).Replace(".[", "[");
    }

    private static string Join(string parent, string child) => parent == "(top level)" ? child : $"{parent}.{child}";

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedName();
}
