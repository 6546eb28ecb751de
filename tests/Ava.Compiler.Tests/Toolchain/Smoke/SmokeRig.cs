using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Toolchain;
using Ava.Compiler.Toolchain.Doctor;
using Ava.Compiler.Toolchain.Smoke;

namespace Ava.Compiler.Tests.Toolchain.Smoke;

/// <summary>
/// A fabricated toolchain (<see cref="FakeToolchain"/>) whose MLC-LLM checkout runs the stand-in for <c>python -m
/// mlc_llm</c> with the real interpreter over the stub packages, plus private cache folders (smoke results, an empty
/// Hugging Face cache), so each test can break one part and run the real smoke test on it.
/// </summary>
public sealed class SmokeRig : IDisposable
{
    private readonly TempDir _dir = new("smoke");

    public SmokeRig()
    {
        Toolchain = new FakeToolchain();
        Toolchain.UseMlcStandIn();
    }

    public FakeToolchain Toolchain { get; }

    public string CacheDir => _dir["alc-cache"];

    public string Calls => _dir["calls.log"];

    public IReadOnlyList<string> CallLines() => File.Exists(Calls) ? File.ReadAllLines(Calls) : [];

    /// <summary>What the process sees besides the toolchain: caches in the test folder, no bytecode in the fixture.</summary>
    public Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = _dir["home"],
            ["ALC_CACHE_DIR"] = CacheDir,
            ["HF_HUB_CACHE"] = _dir["hf-hub"],
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["MLC_STANDIN_CALLS"] = Calls,
        };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    /// <summary>The environment for running the CLI: the toolchain's ALC_* locations plus <see cref="Environment"/>.</summary>
    public Dictionary<string, string> CliEnvironment(params (string Key, string Value)[] extra)
    {
        var env = Toolchain.Environment;
        foreach (var (k, v) in Environment(extra)) env[k] = v;
        return env;
    }

    public DoctorOptions Options(params (string Key, string Value)[] extra) =>
        DoctorOptions.Default.WithHost(HostPlatform.Linux).WithWorkingDirectory(Toolchain.Root).WithEnvironment(Environment(extra));

    public Task<SmokeResult> RunAsync(params (string Key, string Value)[] extra) =>
        ToolchainSmoke.RunAsync(Toolchain.Locations, Options(extra), null, new NullReporter(), CancellationToken.None);

    public void Dispose()
    {
        Toolchain.Dispose();
        _dir.Dispose();
    }
}
