using Json.Schema;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// Schemas loaded once per test process: JsonSchema.Net registers a schema under its $id globally and refuses a second
/// registration, so test classes that each call FromFile on the same file fail depending on the order they run in.
/// </summary>
public static class Schemas
{
    private static readonly Lazy<JsonSchema> VerificationReportSchema = new(() => JsonSchema.FromFile(RepoPaths.Combine("schemas", "verification-report.schema.json")));

    public static JsonSchema VerificationReport => VerificationReportSchema.Value;
}
