using System.Diagnostics;
using System.Text;
using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// Whole-pipeline reproducibility (#9): the LLM pipeline (stand-in MLC toolchain) and the `.AON` compile (the embedded
/// MiniLM) run twice as real alc processes, in folders of different names and depths, under umask 022 and 077, with the
/// same SOURCE_DATE_EPOCH. Packages, everything in dist/ and the reports must be byte-identical once the timing fields
/// (<see cref="ReportTimings"/>) are dropped from the reports; no file may name the folder it was built in.
/// </summary>
public class ReproduciblePipelineTests
{
    private const string Epoch = "1700000000";

    private static readonly string Alc = Path.Combine(AppContext.BaseDirectory, "alc.dll");

    /// <summary>Runs alc in its own process so the umask (process-wide) really differs between the two builds.</summary>
    private static (int ExitCode, string StdErr) Run(string workDir, IReadOnlyDictionary<string, string> env, string umask, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in (string[])["-c", $"umask {umask}; exec dotnet \"$0\" \"$@\"", Alc, .. args]) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["HOME"] = workDir;
        psi.Environment["DOTNET_CLI_HOME"] = workDir;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["SOURCE_DATE_EPOCH"] = Epoch;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stderr.Result + stdout.Result);
    }

    /// <summary>Every file under <paramref name="root"/> by relative path; reports normalised, everything else raw.</summary>
    private static SortedDictionary<string, byte[]> Snapshot(string root, IEnumerable<string> folders, Func<string, bool> isReport)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var folder in folders.Where(f => Directory.Exists(Path.Combine(root, f))))
        foreach (var f in Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, f);
            var bytes = File.ReadAllBytes(f);
            files[rel] = isReport(rel) ? Encoding.UTF8.GetBytes(ReportTimings.Normalize(Path.GetFileName(f), Encoding.UTF8.GetString(bytes))) : bytes;
        }
        return files;
    }

    private static void AssertSame(SortedDictionary<string, byte[]> a, SortedDictionary<string, byte[]> b, params string[] roots)
    {
        Assert.Equal(a.Keys, b.Keys);
        var differing = a.Where(kv => !kv.Value.AsSpan().SequenceEqual(b[kv.Key])).Select(kv => kv.Key).ToList();
        if (differing.Count > 0)
        {
            var text = differing.Where(r => !r.EndsWith(".ALM", StringComparison.Ordinal) && !r.EndsWith(".AON", StringComparison.Ordinal) && !r.EndsWith(".bin", StringComparison.Ordinal))
                .Select(r => $"{r}:\n{LineDiff(Encoding.UTF8.GetString(a[r]), Encoding.UTF8.GetString(b[r]))}");
            Assert.Fail($"differ: {string.Join(", ", differing)}\n{string.Join("\n", text)}");
        }
        // Neither build folder nor the host's name appears anywhere (the temp root holds both builds).
        string[] banned = [.. roots, Path.GetDirectoryName(roots[0])!, .. Environment.MachineName.Length >= 6 ? [Environment.MachineName] : Array.Empty<string>()];
        foreach (var (rel, bytes) in a.Concat(b))
        foreach (var word in banned)
            Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(word)) >= 0, $"{rel} contains '{word}'");
    }

    /// <summary>The lines that differ, side by side (enough to see which field is not reproducible).</summary>
    private static string LineDiff(string a, string b)
    {
        var (la, lb) = (a.Split('\n'), b.Split('\n'));
        return string.Join("\n", Enumerable.Range(0, Math.Max(la.Length, lb.Length))
            .Where(i => i >= la.Length || i >= lb.Length || la[i] != lb[i]).Take(12)
            .Select(i => $"  - {(i < la.Length ? la[i] : "")}\n  + {(i < lb.Length ? lb[i] : "")}"));
    }

    [Fact]
    public void The_LLM_pipeline_built_twice_in_other_folders_and_umasks_gives_identical_packages_manifests_and_reports()
    {
        using var h = new CompileHarness();
        var ndk = FabricatedNdk.Create(h.Dir["ndk"]);
        var runtime = FabricatedNdk.BuildRuntime(h.Dir["runtime"]);
        var roots = new[] { h.Dir["one"], h.Dir["second/build-number-two"] };
        var snapshots = new List<SortedDictionary<string, byte[]>>();
        foreach (var (root, umask) in roots.Zip(["022", "077"]))
        {
            // The model is copied in: the source folder differs too, as on two machines.
            var model = Path.Combine(root, "gemma-3-1b-it");
            Directory.CreateDirectory(model);
            foreach (var f in Directory.GetFiles(h.Model)) File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
            var env = h.Environment(("ALC_AVA_RUNTIME", runtime), ("ALC_ANDROID_NDK", ndk), ("MLC_STANDIN_CALLS", Path.Combine(root, "calls.log")));
            var args = h.Args().ToArray();
            args[Array.IndexOf(args, "--source") + 1] = model;
            var (code, output) = Run(root, env, umask, args);
            Assert.True(code == 0, output);
            snapshots.Add(Snapshot(root, ["dist", "registry", "build/AVA-GE3-1B16"], rel => rel.StartsWith("build", StringComparison.Ordinal) && ReportTimings.IsReport(rel)));
        }
        // Only the reports of build/ are compared: its stage folders hold logs and stamps with timings by design.
        foreach (var s in snapshots)
            foreach (var k in s.Keys.Where(k => k.StartsWith("build", StringComparison.Ordinal) && !ReportTimings.IsReport(k)).ToList()) s.Remove(k);
        Assert.Contains(Path.Combine("dist", "AVA-GE3-1B16.ALM"), snapshots[0].Keys);
        Assert.Contains(Path.Combine("build", "AVA-GE3-1B16", "compile-report.json"), snapshots[0].Keys);
        Assert.Contains(Path.Combine("build", "AVA-GE3-1B16", "verification-report.md"), snapshots[0].Keys);
        AssertSame(snapshots[0], snapshots[1], roots);
        // The Python interpreter's path is the machine's: the reports name it $PYTHON.
        var report = Encoding.UTF8.GetString(snapshots[0][Path.Combine("build", "AVA-GE3-1B16", "compile-report.json")]);
        Assert.DoesNotContain(h.Environment()["ALC_PYTHON"], report);
        Assert.Contains("$PYTHON -m mlc_llm convert_weight", report);

        // Every entry stamped with SOURCE_DATE_EPOCH (not the day it was built), owned by 0:0, with normalised modes.
        var listing = Programs.Ok("tar", "--numeric-owner", "--full-time", "-tvf", Path.Combine(roots[1], "dist", "AVA-GE3-1B16.ALM")).Trim().Split('\n');
        Assert.All(listing, line =>
        {
            Assert.Contains(" 0/0 ", line);
            Assert.Contains(DateTimeOffset.FromUnixTimeSeconds(long.Parse(Epoch)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), line);
            Assert.Matches(@"^(drwxr-xr-x|-rw-r--r--) ", line);
        });
    }

    [Fact]
    public void The_AON_compile_of_the_embedded_MiniLM_built_twice_in_other_folders_and_umasks_is_byte_identical()
    {
        using var dir = new TempDir("repro-aon");
        var roots = new[] { dir["one"], dir["second/aon-build-two"] };
        var snapshots = new List<SortedDictionary<string, byte[]>>();
        foreach (var (root, umask) in roots.Zip(["022", "077"]))
        {
            Directory.CreateDirectory(root);
            var env = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };
            var (code, output) = Run(root, env, umask, "compile", "minilm-384", "--target", "android", "--recipes", RepoPaths.Combine("recipes"), "--json");
            Assert.True(code == 0, output);
            snapshots.Add(Snapshot(root, ["dist", "registry", "build/minilm-384"], rel => rel.StartsWith("build", StringComparison.Ordinal) && ReportTimings.IsReport(rel)));
        }
        foreach (var s in snapshots)
            foreach (var k in s.Keys.Where(k => k.StartsWith("build", StringComparison.Ordinal) && !ReportTimings.IsReport(k)).ToList()) s.Remove(k);
        Assert.Contains(Path.Combine("dist", "models", "AVA-384-Base-INT8.AON"), snapshots[0].Keys);
        Assert.Contains(Path.Combine("dist", "models", "AVA-384-Base-INT8.alc-manifest.json"), snapshots[0].Keys);
        AssertSame(snapshots[0], snapshots[1], roots);

        // The timings were measured and kept where they belong: the build folder's compile report, not the package.
        var full = File.ReadAllText(Path.Combine(roots[0], "build", "minilm-384", "compile-report.json"));
        Assert.Contains("\"fp32MedianMs\"", full);
        Assert.Contains("\"wallSeconds\"", full);
        Assert.Contains(ReportTimings.MarkdownSection + "\n", File.ReadAllText(Path.Combine(roots[0], "build", "minilm-384", "compile-report.md")));
        foreach (var packaged in Directory.GetFiles(Path.Combine(roots[0], "dist"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".AON", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(packaged);
            Assert.DoesNotContain("MedianMs", text);
            Assert.DoesNotContain("\"seconds\"", text);
            Assert.DoesNotContain(ReportTimings.MarkdownSection, text);
        }
    }
}
