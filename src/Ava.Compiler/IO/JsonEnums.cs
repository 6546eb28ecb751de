using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ava.Compiler.IO;

/// <summary>
/// alc's JSON writes every enum as a kebab-case string (<c>up-to-date</c>, <c>host-library</c>). The one converter
/// that does that for any enum (<c>new JsonStringEnumConverter(policy)</c>) makes its per-enum converter at run time,
/// which a Native AOT binary cannot do; so each enum gets its own generic converter here. A test walks every type the
/// JSON outputs reach and fails for an enum missing from this list (it would be written as a number).
/// </summary>
public static class JsonEnums
{
    /// <summary>Adds a kebab-case string converter for every enum of alc's JSON to <paramref name="options"/>; returns it.</summary>
    public static JsonSerializerOptions WithKebabCaseEnums(this JsonSerializerOptions options)
    {
        foreach (var converter in KebabCase()) options.Converters.Add(converter);
        return options;
    }

    private static JsonConverter[] KebabCase() =>
    [
        Kebab<Registry.VerificationStatus>(), Kebab<Registry.ArtifactRole>(), Kebab<Registry.RegisterChange>(),
        Kebab<Registry.AbStatus>(), Kebab<Registry.AbRole>(),
        Kebab<Packaging.SourceOrigin>(),
        Kebab<Pipeline.StageStatus>(), Kebab<Pipeline.Compile.CompileInput>(), Kebab<Pipeline.Llm.StageActionKind>(),
        Kebab<Verification.Verdict>(), Kebab<Verification.Severity>(), Kebab<Verification.ObjectRole>(),
        Kebab<Verification.AppChain.LinkStatus>(), Kebab<Verification.AppChain.AppLibraryRole>(),
        Kebab<Errors.ExitCode>(),
        Kebab<Toolchain.Smoke.SmokeStatus>(), Kebab<Toolchain.Doctor.DoctorScope>(), Kebab<Toolchain.Doctor.CheckStatus>(),
        Kebab<Toolchain.Mlc.ContextRule>(), Kebab<Toolchain.Setup.SetupAction>(), Kebab<Toolchain.Setup.StepOutcome>(),
        Kebab<Toolchain.HostOs>(),
        Kebab<Binary.ContentKind>(), Kebab<Binary.ObjectFormat>(), Kebab<Binary.ObjectKind>(), Kebab<Binary.SymbolBinding>(),
        Kebab<Binary.SymbolType>(),
        Kebab<HuggingFace.PointerKind>(), Kebab<HuggingFace.FileStatus>(),
        Kebab<FileKindValue>(), Kebab<Onnx.OnnxDataType>(),
    ];

    private static JsonStringEnumConverter<T> Kebab<T>() where T : struct, Enum => new(JsonNamingPolicy.KebabCaseLower);

    /// <summary>The compile-time contract of <typeparamref name="T"/> in <paramref name="options"/>, whose resolver is a source-generated context.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
