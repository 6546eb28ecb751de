namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>Everything doctor needs besides the locations. Immutable; <c>WithX</c> copies.</summary>
public sealed record DoctorOptions
{
    public static DoctorOptions Default { get; } = new();

    public ToolchainLock Lock { get; private init; } = ToolchainLock.Default;

    public HostPlatform Host { get; private init; } = HostPlatform.Current;

    /// <summary>The caller's environment; probes get it plus <see cref="ToolchainEnvironment"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private init; } = new Dictionary<string, string>();

    /// <summary>Where artifacts will be written (the disk-space check looks here).</summary>
    public string WorkingDirectory { get; private init; } = System.Environment.CurrentDirectory;

    /// <summary>Per Python probe; <c>import tvm</c> takes a few seconds cold.</summary>
    public TimeSpan ProbeTimeout { get; private init; } = TimeSpan.FromSeconds(60);

    /// <summary>Per external program such as <c>llvm-config</c>.</summary>
    public TimeSpan ToolTimeout { get; private init; } = TimeSpan.FromSeconds(15);

    public DoctorOptions WithLock(ToolchainLock value) => this with { Lock = value };

    public DoctorOptions WithHost(HostPlatform value) => this with { Host = value };

    public DoctorOptions WithEnvironment(IReadOnlyDictionary<string, string> value) => this with { Environment = value };

    public DoctorOptions WithWorkingDirectory(string value) => this with { WorkingDirectory = value };

    public DoctorOptions WithProbeTimeout(TimeSpan value) => this with { ProbeTimeout = value };

    public DoctorOptions WithToolTimeout(TimeSpan value) => this with { ToolTimeout = value };
}
