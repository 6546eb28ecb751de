using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// One folder with a tiny Gemma 3 model, build/ and dist/, and the environment that points alc's toolchain at the
/// test stand-in for MLC-LLM (tests/fixtures/mlc-standin, see its README). Runs alc compile in memory.
/// </summary>
public sealed class CompileHarness : IDisposable
{
    public CompileHarness()
    {
        Dir = new TempDir("compile");
        Model = TinyGemma.Create(Dir["model"]);
        Calls = Dir["calls.log"];
    }

    /// <summary>
    /// The real interpreter behind python3: a version-manager shim (pyenv) costs seconds per start on a loaded machine.
    /// </summary>
    private static readonly Lazy<string> Python = new(() =>
    {
        var (code, stdout, _) = Programs.Run("python3", "-c", "import sys; print(sys.executable)");
        return code == 0 && stdout.Trim().Length > 0 ? stdout.Trim() : "python3";
    });

    public TempDir Dir { get; }

    public string Model { get; }

    /// <summary>One line per stand-in invocation.</summary>
    public string Calls { get; }

    /// <summary>The default build folder of the run (working folder = <see cref="Dir"/>): build/AVA-GE3-1B16.</summary>
    public string Build => Dir["build/AVA-GE3-1B16"];

    /// <summary>The default output folder: dist/.</summary>
    public string Dist => Dir["dist"];

    public IReadOnlyList<string> CallLines() => File.Exists(Calls) ? File.ReadAllLines(Calls) : [];

    public Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["ALC_PYTHON"] = Python.Value,
            ["ALC_MLC_LLM_DIR"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin"),
            ["MLC_STANDIN_CALLS"] = Calls,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            // The packages toolchain.lock.json installs, as stubs (tests/fixtures/python-stubs).
            ["PYTHONPATH"] = PythonStubs.SharedDirectory,
        };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    public string[] Args(params string[] extra) =>
    [
        "compile", "gemma3-1b", "--target", "android", "--source", Model,
        "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor", "--json", .. extra,
    ];

    public Task<AlcResult> RunAsync(IReadOnlyDictionary<string, string> env, params string[] extra) =>
        AlcRun.RunAsync(Dir.Path, env, Args(extra));

    public Task<AlcResult> RunAsync(params string[] extra) => RunAsync(Environment(), extra);

    public string ModelFolder => Path.Combine(Dist, "models", "llm", "AVA-GE3-1B16");

    public string Package => Path.Combine(Dist, "AVA-GE3-1B16.ALM");

    public void Dispose() => Dir.Dispose();
}
