using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ava.Compiler.Tests.Cli;

/// <summary>
/// alc writes enums as kebab-case strings. Under Native AOT that needs one converter per enum (IO/JsonEnums); an enum
/// missing from that list would silently be written as a number. These walk every type each source-generated context
/// knows and serialise each enum it reaches.
/// </summary>
public class JsonEnumTests
{
    /// <summary>Enums of <paramref name="options"/>' source-generated context that are not written as strings.</summary>
    private static List<string> EnumsWrittenAsNumbers(JsonSerializerOptions options, Type context)
    {
        var enums = context.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.PropertyType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(JsonTypeInfo<>))
            .Select(t => t.GetGenericArguments()[0])
            .Select(t => Nullable.GetUnderlyingType(t) ?? t)
            .Where(t => t.IsEnum).Distinct().ToList();
        return enums.Where(e =>
        {
            var value = Enum.GetValues(e).GetValue(0)!;
            return !JsonSerializer.Serialize(value, options.GetTypeInfo(e)).StartsWith('"');
        }).Select(e => $"{context.Name}: {e.FullName}").ToList();
    }

    /// <summary>Every --json result context of alc (each made with JsonOutput's options).</summary>
    public static TheoryData<string> CliContexts()
    {
        var data = new TheoryData<string>();
        foreach (var t in typeof(Ava.Cli.AlcApp).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(JsonSerializerContext))).OrderBy(t => t.Name))
            data.Add(t.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CliContexts))]
    public void Every_enum_an_alc_json_result_reaches_is_written_as_a_string(string contextName)
    {
        var type = typeof(Ava.Cli.AlcApp).Assembly.GetType(contextName)!;
        var context = (JsonSerializerContext)(type.GetProperty("Output", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
                                              ?? type.GetField("Output", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);
        var numbers = EnumsWrittenAsNumbers(context.Options, type);
        Assert.True(numbers.Count == 0, string.Join(", ", numbers));
    }

    [Fact]
    public void Every_enum_of_the_registry_compile_report_and_verification_report_is_written_as_a_string()
    {
        var numbers = EnumsWrittenAsNumbers(global::Ava.Compiler.Registry.RegistryJson.Options, typeof(global::Ava.Compiler.Registry.RegistryJsonContext))
            .Concat(EnumsWrittenAsNumbers(global::Ava.Compiler.Pipeline.Llm.CompileReport.Json, typeof(global::Ava.Compiler.Pipeline.Llm.CompileReportJsonContext)))
            .Concat(EnumsWrittenAsNumbers(global::Ava.Compiler.Verification.VerificationReport.JsonOptions, typeof(global::Ava.Compiler.Verification.VerificationJsonContext)))
            .ToList();
        Assert.True(numbers.Count == 0, string.Join(", ", numbers));
    }

    [Fact]
    public void An_enum_without_its_converter_is_named_by_the_check()
    {
        Assert.NotEmpty(EnumsWrittenAsNumbers(new JsonSerializerOptions { TypeInfoResolver = global::Ava.Compiler.Verification.VerificationJsonContext.Default }, typeof(global::Ava.Compiler.Verification.VerificationJsonContext)));
        var bare = new JsonSerializerOptions { TypeInfoResolver = global::Ava.Compiler.Pipeline.Llm.CompileReportJsonContext.Default };
        Assert.Contains(EnumsWrittenAsNumbers(bare, typeof(global::Ava.Compiler.Pipeline.Llm.CompileReportJsonContext)), e => e.EndsWith("Pipeline.StageStatus", StringComparison.Ordinal));
    }

    [Fact]
    public void An_enum_is_written_in_kebab_case()
    {
        var json = JsonSerializer.Serialize(global::Ava.Compiler.Registry.ArtifactRole.HostLibrary, global::Ava.Compiler.Registry.RegistryJson.Options.GetTypeInfo(typeof(global::Ava.Compiler.Registry.ArtifactRole)));
        Assert.Equal("\"host-library\"", json);
    }
}
