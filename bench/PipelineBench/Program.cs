using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ava.Compiler.Packaging;

// 1. No-op rerun: compile a Gemma-3-shaped model with about SIZE MiB of weights once, then time 'alc compile' again with nothing
//    changed, next to 'xxhsum -H128' of the same weight files (what a tool that rehashes its inputs would pay).
// 2. Packing: write the .ALM of the compiled model folder with alc's writer and with GNU 'tar cf', same folder, same run.
// Usage: PipelineBench <alc binary> <repo root> [sizes in MiB, comma-separated, default 256,2048] [rounds, default 3]
var alc = Path.GetFullPath(args[0]);
var repo = Path.GetFullPath(args[1]);
var sizes = (args.Length > 2 ? args[2] : "256,2048").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
var python = Run("python3", ["-c", "import sys; print(sys.executable)"], null, null).StdOut.Trim();

Console.WriteLine($"alc compile benchmark: {rounds} rounds per measurement, median shown; {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("Wall time depends on the machine's load; CPU time (user + sys of the measured process) does not.");
Console.WriteLine();
Console.WriteLine("| weights | first run | no-op rerun (alc compile): wall / CPU | xxhsum -H128 of the weights: wall / CPU | rerun / xxhsum (wall, CPU) |");
Console.WriteLine("|---|---|---|---|---|");
var packing = new List<string>();
foreach (var mib in sizes)
{
    var dir = Directory.CreateTempSubdirectory("alc-bench-pipeline-").FullName;
    try
    {
        var model = Path.Combine(dir, "model");
        var weights = WriteModel(model, (long)mib << 20);
        var env = new Dictionary<string, string>
        {
            ["ALC_PYTHON"] = python,
            ["ALC_MLC_LLM_DIR"] = Path.Combine(repo, "tests", "fixtures", "mlc-standin"),
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["NO_COLOR"] = "1",
            // The stand-in imports what MLC imports (tvm, torch, safetensors...): the tests' stubs, as the tests install them.
            ["PYTHONPATH"] = PythonStubs(repo, Path.Combine(dir, "python-stubs")),
        };
        string[] compile = ["compile", "gemma3-1b", "--source", model, "--recipes", Path.Combine(repo, "recipes"), "--skip-doctor", "--json"];
        var first = Time(() => Check(Run(alc, compile, dir, env)));
        var rerunRuns = Enumerable.Range(0, rounds).Select(_ =>
        {
            var r = Check(Run(alc, compile, dir, env));
            using var doc = JsonDocument.Parse(r.StdOut);
            if (doc.RootElement.GetProperty("report").GetProperty("stages").EnumerateArray().Any(s => s.GetProperty("status").GetString() != "skipped"))
                throw new InvalidOperationException("the rerun ran a stage; it is not a no-op");
            return (r.Wall, r.Cpu);
        }).ToList();
        var xxhRuns = Enumerable.Range(0, rounds).Select(_ => { var r = Check(Run("xxhsum", ["-H128", .. weights], dir, null)); return (r.Wall, r.Cpu); }).ToList();
        var (rw, rc) = (Mid(rerunRuns.Select(x => x.Wall)), Mid(rerunRuns.Select(x => x.Cpu)));
        var (xw, xc) = (Mid(xxhRuns.Select(x => x.Wall)), Mid(xxhRuns.Select(x => x.Cpu)));
        Console.WriteLine($"| {weights.Sum(w => new FileInfo(w).Length) >> 20} MiB | {first:0.00} s | {rw:0.00} s / {rc:0.00} s | {xw:0.00} s / {xc:0.00} s | {rw / xw:0.00}, {rc / xc:0.00} |");

        var folder = Path.Combine(dir, "dist", "models", "llm", "AVA-GE3-1B16");
        var ours = Path.Combine(dir, "ours.ALM");
        var gnu = Path.Combine(dir, "gnu.tar");
        var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        double oursT = 0, gnuT = 0;
        var oursAll = new List<double>();
        var gnuAll = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            File.Delete(ours);
            File.Delete(gnu);
            oursAll.Add(Time(() => PackageWriter.WriteTar(folder, "AVA-GE3-1B16", ours, DeterministicTar.DefaultEpoch)));
            gnuAll.Add(Time(() => Check(Run("tar", ["cf", gnu, "-C", Path.GetDirectoryName(folder)!, "AVA-GE3-1B16"], dir, null))));
        }
        oursT = oursAll.Order().ElementAt(rounds / 2);
        gnuT = gnuAll.Order().ElementAt(rounds / 2);
        packing.Add($"| {bytes >> 20} MiB | {bytes / oursT / (1 << 20):0} MiB/s | {bytes / gnuT / (1 << 20):0} MiB/s | {gnuT / oursT:0.00} |");
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}
Console.WriteLine();
Console.WriteLine("| model folder | .ALM writer | GNU tar cf | throughput ratio (goal ≥ 0.9) |");
Console.WriteLine("|---|---|---|---|");
foreach (var line in packing) Console.WriteLine(line);
return 0;

// A Gemma-3-shaped model of about BYTES of bf16 weights, with the parameter names and shapes MLC expects (the tests'
// TinyGemma.Tensors, the list the MLC stand-in derives from the config), so convert, compile and the package proof agree
// and the run reaches the .ALM. Size comes from the layer count: one layer of these dimensions is 29 MiB.
static List<string> WriteModel(string dir, long bytes)
{
    const int Hidden = 1024, Intermediate = 4096, Heads = 4, KvHeads = 1, HeadDim = 256, Vocab = 512;
    const long LayerBytes = 2L * (2 * Heads * HeadDim * Hidden + 2 * KvHeads * HeadDim * Hidden + 3L * Intermediate * Hidden);
    var layers = (int)Math.Max(1, Math.Round((double)bytes / LayerBytes));
    Directory.CreateDirectory(dir);
    File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["architectures"] = new[] { "Gemma3ForCausalLM" }, ["model_type"] = "gemma3_text", ["hidden_size"] = Hidden,
        ["intermediate_size"] = Intermediate, ["num_hidden_layers"] = layers, ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads, ["head_dim"] = HeadDim, ["vocab_size"] = Vocab, ["sliding_window"] = 512,
        ["max_position_embeddings"] = 32768, ["rope_theta"] = 1000000.0,
    }));
    File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"version":"1.0","model":{"type":"BPE","vocab":{"<pad>":0,"<eos>":1,"<bos>":2}}}""");
    File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"bos_token":"<bos>","eos_token":"<eos>"}""");

    // Shards of at most 512 MiB of whole tensors, like a real multi-file checkpoint; random bytes, so nothing compresses.
    var tensors = Ava.Compiler.Tests.Compile.TinyGemma.Tensors(Hidden, Intermediate, layers, Heads, KvHeads, HeadDim, Vocab);
    var shards = new List<List<(string Name, int[] Shape, long Bytes)>> { new() };
    long inShard = 0;
    foreach (var (name, shape) in tensors)
    {
        var n = shape.Aggregate(2L, (a, d) => a * d);
        if (inShard + n > 512L << 20 && shards[^1].Count > 0) { shards.Add([]); inShard = 0; }
        shards[^1].Add((name, shape, n));
        inShard += n;
    }
    var files = new List<string>();
    var map = new Dictionary<string, string>();
    var rng = new Random(1);
    var chunk = new byte[1 << 20];
    long total = 0;
    foreach (var (shard, i) in shards.Select((s, i) => (s, i)))
    {
        var path = Path.Combine(dir, $"model-{i:00000}-of-{shards.Count:00000}.safetensors");
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, shape, n) in shard)
        {
            header[name] = new Dictionary<string, object> { ["dtype"] = "BF16", ["shape"] = shape, ["data_offsets"] = new[] { offset, offset + n } };
            map[name] = Path.GetFileName(path);
            offset += n;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((ulong)json.Length));
            f.Write(json);
            for (long w = 0; w < offset; w += chunk.Length)
            {
                rng.NextBytes(chunk);
                f.Write(chunk, 0, (int)Math.Min(chunk.Length, offset - w));
            }
        }
        total += offset;
        files.Add(path);
    }
    // A multi-file checkpoint ships its index (MLC reads it: mlc_llm/support/auto_weight.py _check_safetensor).
    File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["metadata"] = new Dictionary<string, long> { ["total_size"] = total }, ["weight_map"] = map,
    }));
    return files;
}

static double Mid(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static double Time(Action action)
{
    var sw = Stopwatch.StartNew();
    action();
    return sw.Elapsed.TotalSeconds;
}

static (int Code, string StdOut, string StdErr, double Wall, double Cpu) Check((int Code, string StdOut, string StdErr, double Wall, double Cpu) r) =>
    r.Code == 0 ? r : throw new InvalidOperationException($"exit {r.Code}: {r.StdErr}");

static (int Code, string StdOut, string StdErr, double Wall, double Cpu) Run(string file, IEnumerable<string> args, string? cwd, IReadOnlyDictionary<string, string>? env)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) psi.ArgumentList.Add(a);
    if (cwd is not null) psi.WorkingDirectory = cwd;
    foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
    var cpuBefore = ChildrenCpuSeconds();
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    var o = p.StandardOutput.ReadToEndAsync();
    var e = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    var wall = sw.Elapsed.TotalSeconds;
    return (p.ExitCode, o.Result, e.Result, wall, ChildrenCpuSeconds() - cpuBefore);
}

// user + sys time of every child this process has waited for (getrusage RUSAGE_CHILDREN), so a measured program's CPU
// time can be read after it exits.
static double ChildrenCpuSeconds()
{
    var usage = new long[18];
    if (GetRusage(-1, usage) != 0) return double.NaN;
    return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
}

[System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
static extern int GetRusage(int who, long[] usage);

/// <summary>Stub packages for every module of the lock plus tvm/tvm_ffi (tests/fixtures/python-stubs, else an empty package).</summary>
static string PythonStubs(string repo, string directory)
{
    var modules = Ava.Compiler.Toolchain.ToolchainLock.Default.Python.Packages.Select(p => p.Module).Concat(["tvm", "tvm_ffi"]).Distinct();
    foreach (var module in modules)
    {
        var fixture = Path.Combine(repo, "tests", "fixtures", "python-stubs", module);
        var target = Path.Combine(directory, module);
        Directory.CreateDirectory(target);
        if (Directory.Exists(fixture))
            foreach (var f in Directory.GetFiles(fixture)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)), overwrite: true);
        else
            File.WriteAllText(Path.Combine(target, "__init__.py"), $"\"\"\"Stub of {module} for the benchmark (tests/fixtures/python-stubs).\"\"\"\n__version__ = \"0+alc.stub\"\n");
    }
    return directory;
}
