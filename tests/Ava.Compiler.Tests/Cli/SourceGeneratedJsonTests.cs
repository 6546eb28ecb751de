using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Cli;

/// <summary>
/// alc reads its files through source-generated JSON contexts (Native AOT). Source generation differs from reflection
/// in one way that bites: an absent init-only member gets default(T), not the property's initializer
/// (dotnet/runtime#84484). These read the real files both ways and compare what comes out.
/// </summary>
public class SourceGeneratedJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static string Dump<T>(T value) => JsonSerializer.Serialize(value, Reflection);

    [Fact]
    public void The_toolchain_lock_reads_the_same_through_its_generated_context_as_through_reflection()
    {
        var text = File.ReadAllText(RepoPaths.Combine("toolchain.lock.json"));
        var generated = global::Ava.Compiler.Toolchain.ToolchainLock.Parse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "test");
        var reflected = JsonSerializer.Deserialize<global::Ava.Compiler.Toolchain.ToolchainLock>(text, Reflection)!;
        Assert.Equal(Dump(reflected), Dump(generated));
        // Most packages leave "required" out: absent means required.
        Assert.Equal(reflected.Python.Packages.Count(p => p.Required), generated.Python.Packages.Count(p => p.Required));
        Assert.True(generated.Python.Packages.Count(p => p.Required) > 2);
    }

    [Fact]
    public void A_registry_entry_reads_the_same_through_its_generated_context_as_through_reflection()
    {
        foreach (var path in Directory.GetFiles(RepoPaths.Combine("registry", "models"), "*.json"))
        {
            var generated = global::Ava.Compiler.Registry.ModelRegistry.LoadModel(path);
            var reflected = JsonSerializer.Deserialize<global::Ava.Compiler.Registry.ModelEntry>(File.ReadAllText(path), Reflection)!;
            Assert.Equal(Dump(reflected), Dump(generated));
        }
    }

    /// <summary>The known-bad case: the same shape without the init body loses its default.</summary>
    internal sealed record Plain
    {
        public required string Name { get; init; }
        public IReadOnlyList<string> Items { get; init; } = [];
    }

    [Fact]
    public void The_comparison_catches_an_init_only_default_that_source_generation_drops()
    {
        const string json = """{"name":"x"}""";
        var generated = JsonSerializer.Deserialize(json, PlainContext.Default.Plain)!;
        var reflected = JsonSerializer.Deserialize<Plain>(json, Reflection)!;
        Assert.NotEqual(Dump(reflected), Dump(generated));
        Assert.Null(generated.Items);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SourceGeneratedJsonTests.Plain))]
internal sealed partial class PlainContext : JsonSerializerContext;
