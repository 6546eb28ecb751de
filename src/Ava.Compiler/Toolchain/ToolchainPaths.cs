using System.Text.Json.Serialization;

namespace Ava.Compiler.Toolchain;

/// <summary>
/// The toolchain locations a user can give, as given (unresolved strings): one definition for the command line's
/// <see cref="ToolchainOverrides"/> and the config file's <see cref="ToolchainConfigFile"/>, so an added location is
/// added to both. The order fixes the config file's property order (System.Text.Json writes a derived record's own
/// properties first otherwise).
/// </summary>
public abstract record ToolchainPaths
{
    [JsonPropertyOrder(-8)]
    public string? Prefix { get; init; }

    [JsonPropertyOrder(-7)]
    public string? TvmSourceDir { get; init; }

    [JsonPropertyOrder(-6)]
    public string? TvmBuildDir { get; init; }

    [JsonPropertyOrder(-5)]
    public string? MlcLlmDir { get; init; }

    /// <summary>An interpreter or a venv folder.</summary>
    [JsonPropertyOrder(-4)]
    public string? Python { get; init; }

    [JsonPropertyOrder(-3)]
    public string? LlvmConfig { get; init; }

    /// <summary>After the config file's llvmPrefix (order -2), where the file has always written it.</summary>
    [JsonPropertyOrder(-1)]
    public string? NdkDir { get; init; }
}
