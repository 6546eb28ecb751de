using System.Text;
using System.Text.Json;
using Ava.Compiler.Processes;

namespace Ava.Compiler.Toolchain.Probes;

/// <summary>The answer of one probe: the JSON object it printed, or why there is none.</summary>
/// <param name="Data">The probe's JSON object when it printed one with <c>"ok": true</c>.</param>
/// <param name="Error">The last line of the Python error (e.g. <c>ImportError: cannot import name 'core' ...</c>),
/// or what went wrong running the interpreter.</param>
public sealed record ProbeResult(string Probe, JsonElement? Data, string? Error, string? Detail)
{
    public bool Ok => Data is not null;

    public string? String(string property) =>
        Data is { } d && d.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public bool? Bool(string property) =>
        Data is { } d && d.TryGetProperty(property, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public IReadOnlyList<string> Strings(string property) =>
        Data is { } d && d.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
}

/// <summary>
/// Runs alc's probe script (<c>probe.py</c>, embedded) through the configured interpreter with the toolchain
/// environment and a timeout, and reads the JSON it prints. Each probe runs in its own process so a crash in
/// <c>import tvm</c> cannot hide the answer of <c>import tvm_ffi</c>. Results are cached per probe name.
/// </summary>
public sealed class PythonProbe
{
    private static readonly Lazy<string> Script = new(() =>
    {
        using var s = typeof(PythonProbe).Assembly.GetManifestResourceStream("alc-probe.py")
            ?? throw new InvalidOperationException("alc-probe.py is not embedded in Ava.Compiler; the build is broken.");
        using var r = new StreamReader(s, Encoding.UTF8);
        return r.ReadToEnd();
    });

    private readonly string _python;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, Task<ProbeResult>> _cache = new(StringComparer.Ordinal);

    public PythonProbe(string python, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        _python = python;
        _environment = environment;
        _timeout = timeout;
    }

    public static string ScriptText => Script.Value;

    public Task<ProbeResult> RunAsync(string probe, CancellationToken cancellationToken) =>
        RunAsync(probe, new Dictionary<string, string>(), cancellationToken);

    /// <param name="arguments">Extra environment for the probe (e.g. <c>ALC_PROBE_IMPORTS</c> for the imports probe).</param>
    public Task<ProbeResult> RunAsync(string probe, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(probe, out var task)) _cache[probe] = task = RunUncachedAsync(probe, arguments, cancellationToken);
            return task;
        }
    }

    private async Task<ProbeResult> RunUncachedAsync(string probe, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(_environment, StringComparer.Ordinal);
        foreach (var (k, v) in arguments) environment[k] = v;
        var run = await ToolRun.RunAsync(_python, ["-c", Script.Value, probe], _timeout, cancellationToken, environment);
        if (run.TimedOut) return new ProbeResult(probe, null, $"the '{probe}' probe did not answer within {_timeout.TotalSeconds:0} s", null);
        if (run.StartError is not null) return new ProbeResult(probe, null, run.StartError, null);
        return Interpret(probe, run.ExitCode!.Value, run.StandardOutput, run.StandardError);
    }

    internal static ProbeResult Interpret(string probe, int exitCode, string stdout, string stderr)
    {
        var last = LastLine(stdout);
        if (last is not null && last.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(last);
                var root = doc.RootElement.Clone();
                if (root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
                    return new ProbeResult(probe, root, null, null);
                var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
                var detail = root.TryGetProperty("traceback", out var t) ? t.GetString() : null;
                return new ProbeResult(probe, null, error ?? "the probe reported a failure without a message", detail);
            }
            catch (JsonException)
            {
                // Fall through: something else printed a line starting with '{'.
            }
        }
        // No JSON: the interpreter died (segfault in a native library, a Python too old to parse the script...).
        var reason = LastLine(stderr) ?? last ?? "no output";
        return new ProbeResult(probe, null, $"{reason} (exit code {exitCode})", stderr.Length > 4000 ? stderr[^4000..] : stderr);
    }

    private static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r').Trim()).LastOrDefault(l => l.Length > 0);
}
