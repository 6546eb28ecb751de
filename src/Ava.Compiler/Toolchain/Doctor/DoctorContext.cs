using Ava.Compiler.Toolchain.Probes;

namespace Ava.Compiler.Toolchain.Doctor;

/// <summary>What a check may read: the locations, the lock, shared probe results and the results of earlier checks.</summary>
public sealed class DoctorContext
{
    private readonly Dictionary<string, DoctorCheckResult> _results = new(StringComparer.Ordinal);

    internal DoctorContext(ToolchainLocations locations, DoctorScope scope, DoctorOptions options)
    {
        Locations = locations;
        Scope = scope;
        Options = options;
        var env = new Dictionary<string, string>(options.Environment, StringComparer.Ordinal);
        foreach (var (k, v) in ToolchainEnvironment.For(locations, options.Lock, options.Host, options.Environment)) env[k] = v;
        ProbeEnvironment = env;
        Probe = locations.Python is { } python ? new PythonProbe(python.Path, env, options.ProbeTimeout) : null;
    }

    public ToolchainLocations Locations { get; }

    public DoctorScope Scope { get; }

    public DoctorOptions Options { get; }

    public ToolchainLock Lock => Options.Lock;

    public HostPlatform Host => Options.Host;

    /// <summary>The environment the probes (and MLC-LLM) run with.</summary>
    public IReadOnlyDictionary<string, string> ProbeEnvironment { get; }

    /// <summary>Null when no interpreter is located; the python check fails first and the others are skipped.</summary>
    public PythonProbe? Probe { get; }

    /// <summary>The interpreter as it should appear in fix commands.</summary>
    public string PythonCommand => Locations.Python?.Path ?? "python3";

    public DoctorCheckResult? Result(string id) => _results.GetValueOrDefault(id);

    internal void Record(DoctorCheckResult result) => _results[result.Id] = result;
}
