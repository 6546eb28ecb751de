using System.Diagnostics;
using System.Text;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// Runs the pinned npm tools in tests/node (the @actions/core oracle, the Octokit fixtures server, the linters).
/// scripts/install-test-deps installs them with <c>npm ci</c>; a test that finds them missing fails and says so.
/// </summary>
public static class NodeTools
{
    public static string Folder => RepoPaths.Combine("tests", "node");

    public static string Require()
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules")))
            throw new InvalidOperationException(
                "tests/node/node_modules is missing. Run scripts/install-test-deps (it runs 'npm ci' in tests/node).");
        return Folder;
    }

    public static string Bin(string name) => Path.Combine(Require(), "node_modules", ".bin", name);

    public sealed record Result(int ExitCode, byte[] StdOut, string StdErr)
    {
        public string Text => Encoding.UTF8.GetString(StdOut);
    }

    /// <summary>Runs a program with exactly the given environment (plus PATH and HOME) and collects its raw stdout.</summary>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Require(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            var path = psi.Environment["PATH"];
            var home = psi.Environment["HOME"];
            psi.Environment.Clear();
            psi.Environment["PATH"] = path;
            psi.Environment["HOME"] = home;
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        using var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time.");
        }
        await copy;
        return new Result(p.ExitCode, stdout.ToArray(), await stderr);
    }
}
