using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ava.Compiler.Reporting;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Tests.Onnx;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// Everything a compile hands the outside world, in one listing: the <c>--json</c> outputs (successes, the plan, a
/// rerun and the usage/toolchain failures), the reports, the `.ALM`/`.AON` bytes, dist/, the registry entries and the
/// stage stamps' data, for the LLM pipeline (stand-in MLC) and the `.AON` path (tiny model and the embedded MiniLM).
/// Timings are dropped (<see cref="ReportTimings"/>) and the run's folder is written <c>$ROOT</c>, so the listing only
/// changes when behaviour does. <c>scripts/output-snapshot DIR</c> writes it to DIR (set <c>ALC_OUTPUT_SNAPSHOT</c>);
/// a refactor is proven behaviour-preserving by comparing the listing before and after it.
/// </summary>
public partial class OutputSnapshotTests
{
    private const string Epoch = "1700000000";

    /// <summary>One folder name on every run: stage keys hash the absolute model path, so it must not vary.</summary>
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "alc-output-snapshot");

    [Fact]
    public async Task Every_compile_output_is_captured_in_one_listing_free_of_timings_and_machine_paths()
    {
        var snapshot = await CaptureAsync();

        // Each kind of output is there: a gap would make a before/after comparison silently pass.
        string[] expected =
        [
            "llm/stdout.compile.json", "llm/stdout.rerun.json", "llm/stdout.plan.json", "llm/dist/AVA-GE3-1B16.ALM",
            "llm/registry/models/AVA-GE3-1B16.json", "llm/build/AVA-GE3-1B16/compile-report.json", "llm/build/AVA-GE3-1B16/compile-report.md",
            "llm/build/AVA-GE3-1B16/verification-report.json", "llm/build/AVA-GE3-1B16/stages/package/.alc-stage.json",
            "tiny/dist/models/AVA-016-Tiny-INT8.AON", "tiny/registry/models/AVA-016-Tiny-INT8.json", "tiny/stdout.compile.json",
            "minilm/dist/models/AVA-384-Base-INT8.AON", "minilm/build/minilm-384/compile-report.md",
            "fail/stdout.bad-target.json", "fail/stdout.reserved-recipe.json", "fail/stdout.source-not-a-folder.json", "fail/stdout.doctor.json",
        ];
        Assert.All(expected, name => Assert.Contains(name, snapshot.Keys));
        foreach (var (name, bytes) in snapshot)
        {
            var text = Encoding.UTF8.GetString(bytes);
            Assert.False(text.Contains(Root, StringComparison.Ordinal), $"{name} names the run folder");
            if (name.EndsWith(".json", StringComparison.Ordinal)) Assert.DoesNotContain("\"wallSeconds\"", text);
        }
        Assert.Equal(2, JsonNode.Parse(snapshot["fail/stdout.bad-target.json"])!["exitCode"]!.GetValue<int>());
        Assert.Equal(3, JsonNode.Parse(snapshot["fail/stdout.doctor.json"])!["exitCode"]!.GetValue<int>());

        if (Environment.GetEnvironmentVariable("ALC_OUTPUT_SNAPSHOT") is { Length: > 0 } outDir)
            Write(snapshot, outDir);
    }

    private static void Write(SortedDictionary<string, byte[]> snapshot, string outDir)
    {
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        var sums = new StringBuilder();
        foreach (var (name, bytes) in snapshot)
        {
            var path = Path.Combine(outDir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            sums.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
        }
        File.WriteAllText(Path.Combine(outDir, "SHA256SUMS"), sums.ToString());
    }

    private static async Task<SortedDictionary<string, byte[]>> CaptureAsync()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            await LlmAsync(files);
            await AonAsync(files);
            await FailuresAsync(files);
        }
        finally
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        return files;
    }

    private static async Task LlmAsync(SortedDictionary<string, byte[]> files)
    {
        var dir = Path.Combine(Root, "llm");
        var model = TinyGemma.Create(Path.Combine(dir, "model"));
        // The stand-in imports what MLC-LLM really imports (tvm, torch, safetensors, ...): the lock's packages as stubs,
        // written under the run folder so the plan's PYTHONPATH reads $ROOT/python-stubs on every run.
        var env = new Dictionary<string, string>(LlmEnvironment(dir))
        {
            ["PYTHONPATH"] = PythonStubs.Install(Path.Combine(Root, "python-stubs")),
        };
        string[] args = ["compile", "gemma3-1b", "--target", "android", "--source", model, "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor", "--json"];
        files["llm/stdout.compile.json"] = Json(await Ok(dir, env, args));
        files["llm/stdout.rerun.json"] = Json(await Ok(dir, env, args));
        files["llm/stdout.plan.json"] = Json(await Ok(dir, env, [.. args, "--plan"]));
        Collect(files, "llm", dir, ["dist", "registry", "build"]);
    }

    /// <summary>
    /// The stub packages the MLC stand-in imports (tvm, torch, ...: <see cref="PythonStubs"/>), in one folder name on every
    /// run outside the run folder: the plan prints PYTHONPATH, so a per-run name would change the listing.
    /// </summary>
    private static readonly Lazy<string> Stubs = new(() => PythonStubs.Install(Path.Combine(Path.GetTempPath(), "alc-output-snapshot-python-stubs")));

    private static Dictionary<string, string> LlmEnvironment(string dir) => new()
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        ["ALC_PYTHON"] = "python3",
        ["ALC_MLC_LLM_DIR"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin"),
        ["MLC_STANDIN_CALLS"] = Path.Combine(dir, "calls.log"),
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        // The packages toolchain.lock.json installs, as stubs: the stand-in imports them where MLC-LLM does.
        ["PYTHONPATH"] = Stubs.Value,
        ["SOURCE_DATE_EPOCH"] = Epoch,
    };

    private static async Task AonAsync(SortedDictionary<string, byte[]> files)
    {
        var tiny = Path.Combine(Root, "tiny");
        Directory.CreateDirectory(tiny);
        var (model, vocab) = TinyEmbedder.Write(tiny);
        var recipes = Path.Combine(tiny, "recipes");
        Directory.CreateDirectory(recipes);
        File.WriteAllText(Path.Combine(recipes, "tiny-embed.yml"), TinyEmbedder.RecipeText(model, vocab));
        var env = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = Epoch };
        files["tiny/stdout.compile.json"] = Json(await Ok(tiny, env, ["compile", "tiny-embed", "--target", "android", "--recipes", recipes, "--json"]));
        Collect(files, "tiny", tiny, ["dist", "registry", "build"]);

        var minilm = Path.Combine(Root, "minilm");
        Directory.CreateDirectory(minilm);
        files["minilm/stdout.compile.json"] = Json(await Ok(minilm, env, ["compile", "minilm-384", "--target", "android", "--recipes", RepoPaths.Combine("recipes"), "--json"]));
        Collect(files, "minilm", minilm, ["dist", "registry", "build"]);
    }

    private static async Task FailuresAsync(SortedDictionary<string, byte[]> files)
    {
        var dir = Path.Combine(Root, "fail");
        Directory.CreateDirectory(dir);
        var env = LlmEnvironment(dir);
        var recipes = RepoPaths.Combine("recipes");
        async Task Capture(string name, params string[] args)
        {
            var r = await AlcRun.RunAsync(dir, env, args);
            Assert.NotEqual(0, r.ExitCode);
            files[$"fail/stdout.{name}.json"] = Json(r.StdOut);
        }
        await Capture("bad-target", "compile", "gemma3-1b", "--target", "ios", "--recipes", recipes, "--json");
        await Capture("reserved-recipe", "compile", "gemma3n-e4b", "--recipes", recipes, "--json");
        await Capture("source-not-a-folder", "compile", "gemma3-1b", "--source", Path.Combine(dir, "missing"), "--recipes", recipes, "--skip-doctor", "--json");
        await Capture("doctor", "compile", "gemma3-1b", "--recipes", recipes, "--json");
    }

    private static async Task<string> Ok(string dir, IReadOnlyDictionary<string, string> env, string[] args)
    {
        var r = await AlcRun.RunAsync(dir, env, args);
        Assert.True(r.ExitCode == 0, $"alc {string.Join(' ', args)}: exit {r.ExitCode}\n{r.StdErr}\n{r.StdOut}");
        return r.StdOut;
    }

    /// <summary>Outputs, reports and registry entries as they are; JSON/markdown reports and stamps without timings.</summary>
    private static void Collect(SortedDictionary<string, byte[]> files, string prefix, string dir, string[] folders)
    {
        foreach (var folder in folders.Where(f => Directory.Exists(Path.Combine(dir, f))))
        foreach (var f in Directory.EnumerateFiles(Path.Combine(dir, folder), "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(dir, f).Replace('\\', '/');
            var name = Path.GetFileName(f);
            // Logs, the hash cache and the lock are the build's own bookkeeping (timings and mtimes by design).
            if (rel.Contains("/logs/", StringComparison.Ordinal) || name is "hash-cache.json" or ".lock" or ".lock.pid" || name.EndsWith(".log", StringComparison.Ordinal)) continue;
            if (rel.StartsWith("build", StringComparison.Ordinal) && rel.Contains("/stages/", StringComparison.Ordinal) && name != ".alc-stage.json") continue;
            var bytes = File.ReadAllBytes(f);
            if (name == ".alc-stage.json") bytes = Encoding.UTF8.GetBytes(Stamp(Encoding.UTF8.GetString(bytes)));
            else if (ReportTimings.IsReport(rel)) bytes = Encoding.UTF8.GetBytes(Paths(ReportTimings.Normalize(name, Encoding.UTF8.GetString(bytes))));
            else if (name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".md", StringComparison.Ordinal)) bytes = Encoding.UTF8.GetBytes(Paths(Encoding.UTF8.GetString(bytes)));
            files[$"{prefix}/{rel}"] = bytes;
        }
    }

    /// <summary>A stamp without its timings and finish time (the key, summary, files and data stay).</summary>
    private static string Stamp(string text)
    {
        var node = ReportTimings.Strip(JsonNode.Parse(text))!.AsObject();
        node.Remove("finishedUtc");
        if (node["summary"] is JsonValue summary) node["summary"] = Latency().Replace(summary.GetValue<string>(), "latency $$MS");
        // A report's (and validation.json's) size follows its measured latency digits.
        foreach (var file in node["files"]?.AsArray() ?? [])
            if (file!["path"]!.GetValue<string>() is var p && (p.Contains("report", StringComparison.Ordinal) || p == "validation.json")) file.AsObject().Remove("size");
        return Paths(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static byte[] Json(string stdout) =>
        Encoding.UTF8.GetBytes(Paths(ReportTimings.Strip(JsonNode.Parse(stdout))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })) + "\n");

    /// <summary>The run folder as $ROOT, a stage's temp folder (a fresh GUID per run) as $TMP.</summary>
    private static string Paths(string text) => TempFolder().Replace(text.Replace(Root, "$ROOT", StringComparison.Ordinal), ".$1.$$TMP.tmp");

    [System.Text.RegularExpressions.GeneratedRegex(@"\.([a-z0-9-]+)\.[0-9a-f]{32}\.tmp")]
    private static partial System.Text.RegularExpressions.Regex TempFolder();

    [System.Text.RegularExpressions.GeneratedRegex(@"latency [0-9.]+ → [0-9.]+ ms \([0-9.]+×\)")]
    private static partial System.Text.RegularExpressions.Regex Latency();
}
