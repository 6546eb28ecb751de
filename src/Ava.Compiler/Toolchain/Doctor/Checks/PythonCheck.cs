using Ava.Compiler.Errors;
namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>The configured interpreter exists, runs, and is new enough.</summary>
public sealed class PythonCheck : DoctorCheck
{
    public override string Id => "python";

    public override string Title => "Python interpreter";

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var expected = $"Python ≥ {c.Lock.Python.Minimum}";
        var configure = $"Pass the toolchain's Python interpreter or venv folder{Remedy.Of(UserInput.Python)} (or set ALC_PYTHON, or \"python\" in alc.toolchain.json)";
        if (c.Locations.Python is not { } python || c.Probe is null)
            return Fail("no interpreter found (looked for the setup venv, $VIRTUAL_ENV, python3 on PATH)", expected, $"{configure}, {Fixes.Setup}.");
        if (!File.Exists(python.Path))
            return Fail($"{python.Path} does not exist (from {python.Source})", expected, $"{configure} that exists, {Fixes.Setup}.");

        var probe = await c.Probe.RunAsync("python", cancellationToken);
        if (!probe.Ok)
            return Fail($"{python.Path} failed: {probe.Error}", expected, $"{configure} that runs, {Fixes.Setup}.");
        var version = probe.String("version") ?? "?";
        var found = $"Python {version} at {python.Path} ({python.Source})";
        return Version.TryParse(version, out var v) && v >= c.Lock.Python.MinimumVersion
            ? Pass(found, expected)
            : Fail(found, expected, $"{configure} of Python {c.Lock.Python.Minimum} or newer, {Fixes.Setup}.");
    }
}
