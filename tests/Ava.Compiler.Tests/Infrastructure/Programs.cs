using System.Diagnostics;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>Runs a real program (tar, xxhsum, clang...) and returns its exit code and output.</summary>
public static class Programs
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string file, params string[] args) => RunIn(null, file, args);

    public static (int ExitCode, string StdOut, string StdErr) RunIn(string? workingDirectory, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Ok(string file, params string[] args)
    {
        var (code, stdout, stderr) = Run(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }
}
