namespace Ava.Compiler.Toolchain.Setup;

/// <summary>Inputs of a setup plan besides the lock. Immutable; <c>WithX</c> copies.</summary>
public sealed record SetupOptions
{
    public SetupOptions(string prefix) => Prefix = Path.GetFullPath(prefix);

    /// <summary>Everything is built under here: tvm/, mlc-llm/, venv/, android-ndk-r27/, .alc-setup/ (stamps and logs).</summary>
    public string Prefix { get; private init; }

    public HostPlatform Host { get; private init; } = HostPlatform.Current;

    /// <summary>LLVM 15's llvm-config; TVM is configured with it.</summary>
    public string LlvmConfig { get; private init; } = "llvm-config-15";

    /// <summary>The interpreter the venv is created from.</summary>
    public string BasePython { get; private init; } = "python3";

    public int Jobs { get; private init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>An NDK that is already installed; when null, setup installs the locked one into the prefix.</summary>
    public string? ExistingNdk { get; private init; }

    /// <summary>When set, the prefix is recorded there (a non-default prefix is otherwise not found by later commands).</summary>
    public string? UserConfigPath { get; private init; }

    public SetupOptions WithHost(HostPlatform value) => this with { Host = value };

    public SetupOptions WithLlvmConfig(string value) => this with { LlvmConfig = value };

    public SetupOptions WithBasePython(string value) => this with { BasePython = value };

    public SetupOptions WithJobs(int value) => this with { Jobs = value };

    public SetupOptions WithExistingNdk(string? value) => this with { ExistingNdk = value };

    public SetupOptions WithUserConfigPath(string? value) => this with { UserConfigPath = value };

    public string TvmDir => Path.Combine(Prefix, "tvm");

    public string TvmBuildDir => Path.Combine(TvmDir, "build");

    public string MlcDir => Path.Combine(Prefix, "mlc-llm");

    public string VenvDir => Path.Combine(Prefix, "venv");

    public string VenvPython => Path.Combine(VenvDir, "bin", "python");

    public string StateDir => Path.Combine(Prefix, ".alc-setup");

    public string SitePackages => Path.Combine(VenvDir, "lib", "python*", "site-packages");
}
