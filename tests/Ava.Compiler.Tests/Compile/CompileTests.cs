using System.Diagnostics;
using System.Text.Json;
using Ava.Compiler.Hashing;
using Ava.Compiler.Packaging;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

public class CompileTests
{
    private static Dictionary<string, string> Statuses(AlcResult r) =>
        r.Json().RootElement.GetProperty("report").GetProperty("stages").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString()!);

    /// <summary>Spectre wraps long lines at 120 columns; compare text with the wrapping undone.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static void AssertOk(AlcResult r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdErr}\n{r.StdOut}");

    [Fact]
    public async Task A_tiny_Gemma3_model_compiles_to_the_AVA_names_and_the_phone_layout()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync(h.Environment(("HF_TOKEN", "hf_SecretTokenValue42"), ("MLC_STANDIN_ECHO", "HF_TOKEN")));
        AssertOk(r);
        var convertLog = File.ReadAllText(Path.Combine(h.Build, "logs", "convert.log"));
        Assert.Contains("HF_TOKEN=***", convertLog);
        Assert.DoesNotContain("hf_SecretTokenValue42", convertLog + r.StdErr + r.StdOut);

        var files = Directory.GetFiles(h.ModelFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "AVA-GE3-1B16.ADco", "AVALibrary.ADco", "alc-manifest.json", "mlc-chat-config.json", "params_shard_0.bin",
            "tensor-cache.json", "tokenizer.json", "tokenizer_config.json",
        ], files);
        Assert.True(File.Exists(h.Package));
        // One registry record per build, in the registry (not beside the artifacts in dist/).
        Assert.True(File.Exists(h.Dir["registry/models/AVA-GE3-1B16.json"]));
        Assert.Equal(["AVA-GE3-1B16.ALM", "models"], Directory.EnumerateFileSystemEntries(h.Dist).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // The renamed objects are the v0.22 objects MLC produced, with the explicit prefix.
        var devc = Programs.Ok("llvm-nm", Path.Combine(h.ModelFolder, "AVA-GE3-1B16.ADco"));
        Assert.Contains("gemma3_text_q4f16_1___tvm_ffi__library_bin", devc);
        var lib0 = Programs.Ok("llvm-nm", Path.Combine(h.ModelFolder, "AVALibrary.ADco"));
        Assert.Contains("U TVMFFIFunctionCall", lib0);

        // The package is the folder, and the manifest's hashes are right.
        var listing = Programs.Ok("tar", "-tf", h.Package).Trim().Split('\n');
        Assert.Equal(["AVA-GE3-1B16/", .. files.Select(f => "AVA-GE3-1B16/" + f)], listing);
        var manifest = PackageManifest.Read(h.ModelFolder);
        Assert.Empty(manifest.Mismatches(h.ModelFolder));
        Assert.Equal("accepted", manifest.Details!["verification"]!["verdict"]!.GetValue<string>());
        Assert.Equal("9dbf3f22ff6f44962472f9af310fda368ca85ef2", manifest.Details["toolchain"]!["tvmCommit"]!.GetValue<string>());

        // MLC was driven with the exact flags, and the planned context (Gemma 3: max(512, 8192)).
        var calls = h.CallLines();
        Assert.Equal(3, calls.Count);
        Assert.StartsWith("convert_weight ", calls[0]);
        Assert.Contains("--quantization q4f16_1 --model-type gemma3_text --source-format huggingface-safetensor", calls[0]);
        Assert.Contains("--conv-template gemma3_instruction --context-window-size 8192 --prefill-chunk-size 256", calls[1]);
        Assert.Contains("--device android --system-lib-prefix gemma3_text_q4f16_1_", calls[2]);
        var chat = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.ModelFolder, "mlc-chat-config.json"))).RootElement;
        Assert.Equal(8192, chat.GetProperty("context_window_size").GetInt32());

        var report = r.Json().RootElement.GetProperty("report");
        Assert.True(File.Exists(Path.Combine(h.Build, "compile-report.md")));
        Assert.True(File.Exists(Path.Combine(h.Build, "verification-report.md")));
        Assert.All(report.GetProperty("stages").EnumerateArray().Where(s => s.GetProperty("name").GetString() is "convert" or "configure" or "compile"),
            s => Assert.True(s.GetProperty("peakMemoryBytes").GetInt64() > 0));
    }

    [Fact]
    public async Task An_old_API_toolchain_fails_at_verify_with_the_US2_message_and_nothing_lands_in_dist()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync(h.Environment(("MLC_STANDIN_OLD_API", "1")));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", Flat(r.StdErr));
        Assert.False(Directory.Exists(h.Dist));
        Assert.True(File.Exists(Path.Combine(h.Build, "verification-report.md")));

        // A rejected library is never reused: with a fixed toolchain the rerun compiles again (and keeps the weights).
        var fixedRun = await h.RunAsync();
        AssertOk(fixedRun);
        var statuses = Statuses(fixedRun);
        Assert.Equal("skipped", statuses["convert"]);
        Assert.Equal("ran", statuses["compile"]);
        Assert.True(File.Exists(h.Package));
    }

    [Fact]
    public async Task Without_a_local_folder_the_model_is_fetched_from_the_Hub_and_its_commit_recorded()
    {
        using var h = new CompileHarness();
        await using var hub = await Ava.Compiler.Tests.HuggingFace.Server.HubTestServer.StartAsync();
        var files = Directory.GetFiles(h.Model).Select(f => new Ava.Compiler.Tests.HuggingFace.Server.ServedFile(
            Path.GetFileName(f), File.ReadAllBytes(f), lfs: f.EndsWith(".safetensors"))).ToArray();
        var commit = hub.AddRepo("google/gemma-3-1b-it").Commit("main", files);

        var args = h.Args().ToList();
        var at = args.IndexOf("--source");
        args.RemoveRange(at, 2);
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(("HF_ENDPOINT", hub.Endpoint), ("HF_HOME", h.Dir["hf"])), [.. args]);

        AssertOk(r);
        var manifest = PackageManifest.Read(h.ModelFolder);
        Assert.Equal(commit, manifest.Details!["source"]!["commit"]!.GetValue<string>());
        Assert.Equal(File.ReadAllBytes(Path.Combine(h.Model, "tokenizer.json")), File.ReadAllBytes(Path.Combine(h.ModelFolder, "tokenizer.json")));
        // MLC reads the Hub snapshot through a private folder of links: the shared cache is never written into.
        Assert.StartsWith("convert_weight " + Path.Combine(h.Build, "mlc-model"), h.CallLines()[0]);
        Assert.Empty(Directory.GetFiles(h.Dir["hf"], "model.safetensors.index.json", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(h.Build, "mlc-model")));
    }

    [Fact]
    public async Task With_the_AVA_runtime_configured_verify_proves_the_library_against_it()
    {
        using var h = new CompileHarness();
        var oldRuntime = RepoPaths.Combine("tests", "fixtures", "tvm", "out", "libtvm_runtime-v0.20.so");
        var runtime = RepoPaths.Combine("tests", "fixtures", "tvm", "out", "libtvm_runtime.so");

        var rejected = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", oldRuntime)));
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("TVMFFIFunctionCall", Flat(rejected.StdErr));
        Assert.False(Directory.Exists(h.Dist));

        var accepted = await h.RunAsync(h.Environment(("ALC_AVA_RUNTIME", runtime)));
        AssertOk(accepted);
        var verification = accepted.Json().RootElement.GetProperty("report").GetProperty("verification");
        Assert.Contains(verification.GetProperty("runtimeSources").EnumerateArray(), s => s.GetString()!.Contains("libtvm_runtime.so"));
    }

    [Fact]
    public async Task A_rerun_with_nothing_changed_runs_no_tool_and_rewrites_nothing()
    {
        using var h = new CompileHarness();
        AssertOk(await h.RunAsync());
        var calls = h.CallLines().Count;
        var packageTime = File.GetLastWriteTimeUtc(h.Package);

        var again = await h.RunAsync();

        AssertOk(again);
        Assert.Equal(calls, h.CallLines().Count);
        Assert.All(Statuses(again).Values, s => Assert.Equal("skipped", s));
        Assert.False(again.Json().RootElement.GetProperty("report").GetProperty("distUpdated").GetBoolean());
        Assert.Equal(packageTime, File.GetLastWriteTimeUtc(h.Package));
    }

    [Fact]
    public async Task Changing_only_the_context_reruns_configure_and_the_stages_after_it()
    {
        using var h = new CompileHarness();
        AssertOk(await h.RunAsync());
        var before = h.CallLines().Count;

        var r = await h.RunAsync("--context", "4096");

        AssertOk(r);
        var newCalls = h.CallLines().Skip(before).ToList();
        Assert.Equal(["gen_config", "compile"], newCalls.Select(c => c.Split(' ')[0]));
        Assert.Contains("--context-window-size 4096", newCalls[0]);
        var s = Statuses(r);
        Assert.Equal(("skipped", "skipped"), (s["fetch"], s["convert"]));
        Assert.All(new[] { "configure", "compile", "verify", "package", "register" }, n => Assert.Equal("ran", s[n]));
        var chat = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.ModelFolder, "mlc-chat-config.json"))).RootElement;
        Assert.Equal(4096, chat.GetProperty("context_window_size").GetInt32());
    }

    [Fact]
    public async Task Weights_converted_with_another_quantization_are_refused_by_the_package_proof_before_dist()
    {
        using var h = new CompileHarness();
        // The stand-in's convert_weight lays the weights out for q4f16_0 while compile builds the q4f16_1 library.
        var r = await h.RunAsync(h.Environment(("MLC_STANDIN_CONVERT_QUANTIZATION", "q4f16_0")));
        Assert.Equal(1, r.ExitCode);
        var error = r.Json().RootElement.GetProperty("error");
        var problem = error.GetProperty("problem").GetString()!;
        Assert.Contains("Package proof failed", problem);
        Assert.Contains("package-param-shape", problem);
        Assert.Contains("mlc_llm convert_weight --quantization q4f16_1", error.GetProperty("fix").GetString());
        Assert.False(Directory.Exists(h.Dist), "nothing may land in dist/");
    }

    [Fact]
    public async Task The_package_stage_records_estimated_vram_from_the_library_metadata_beside_the_plan()
    {
        using var h = new CompileHarness();
        AssertOk(await h.RunAsync());
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(h.ModelFolder, "alc-manifest.json")))!;
        var details = manifest["details"]!;
        var memory = details["memoryFromMetadata"]!;
        Assert.Equal(memory["paramBytes"]!.GetValue<long>() + memory["temporaryBytes"]!.GetValue<long>() + memory["kvCacheBytes"]!.GetValue<long>(),
            details["estimatedVramBytes"]!.GetValue<long>());
        Assert.NotNull(details["plannedVramBytes"]);
        Assert.Equal("q4f16_1", details["metadata"]!["quantization"]!.GetValue<string>());
        Assert.Contains("Memory from the library's metadata", File.ReadAllText(Path.Combine(h.Build, "compile-report.md")));
    }

    [Fact]
    public async Task A_crashed_tool_exits_4_with_its_log_and_the_rerun_resumes_to_byte_identical_outputs()
    {
        using var crashed = new CompileHarness();
        using var clean = new CompileHarness();
        var r = await crashed.RunAsync(crashed.Environment(("MLC_STANDIN_CRASH", "compile")));

        Assert.Equal(4, r.ExitCode);
        var error = r.Json().RootElement.GetProperty("error");
        Assert.Contains("stand-in told to crash in compile", error.GetProperty("problem").GetString());
        var log = error.GetProperty("logPath").GetString()!;
        Assert.EndsWith(Path.Combine("logs", "compile.log"), log);
        Assert.Contains("stand-in told to crash in compile", File.ReadAllText(log));
        Assert.False(Directory.Exists(crashed.Dist));

        AssertOk(await crashed.RunAsync());
        Assert.Equal(1, crashed.CallLines().Count(c => c.StartsWith("convert_weight")));
        AssertOk(await clean.RunAsync());
        AssertSameOutputs(clean, crashed);
    }

    [Fact]
    public async Task A_run_killed_at_a_random_moment_resumes_to_byte_identical_outputs()
    {
        using var killed = new CompileHarness();
        using var clean = new CompileHarness();
        var seed = Environment.TickCount;
        var delay = new Random(seed).Next(500, 8000);

        var alc = Path.Combine(AppContext.BaseDirectory, "alc.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = killed.Dir.Path };
        psi.ArgumentList.Add(alc);
        foreach (var a in killed.Args()) psi.ArgumentList.Add(a);
        foreach (var (k, v) in killed.Environment()) psi.Environment[k] = v;
        using (var p = Process.Start(psi)!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(delay)) p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }

        var resumed = await killed.RunAsync();
        Assert.True(resumed.ExitCode == 0, $"seed {seed}, killed after {delay} ms: {resumed.StdErr}");
        AssertOk(await clean.RunAsync());
        AssertSameOutputs(clean, killed);
    }

    private static void AssertSameOutputs(CompileHarness expected, CompileHarness actual)
    {
        Assert.Equal(FileHasher.HashFile(expected.Package), FileHasher.HashFile(actual.Package));
        var a = Directory.GetFiles(expected.ModelFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(a, Directory.GetFiles(actual.ModelFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (var f in a)
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected.ModelFolder, f!)), File.ReadAllBytes(Path.Combine(actual.ModelFolder, f!)));
    }

    [Theory]
    [InlineData("gemma3-4b", "q8f16_1", "no 8-bit weight quantization")]
    [InlineData("gemma3n-e4b", null, "mlc-llm#3271")]
    [InlineData("gemma2-2b", "q4f16_autoawq", "does not list quantization")]
    public async Task Unbuildable_requests_stop_before_any_download_or_tool(string recipe, string? quant, string reason)
    {
        using var h = new CompileHarness();
        string[] args = ["compile", recipe, "--target", "android", "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor"];
        if (quant is not null) args = [.. args, "--quantization", quant];
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(("HF_ENDPOINT", "http://127.0.0.1:9")), args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(reason, Flat(r.StdErr));
        Assert.False(Directory.Exists(h.Dir["build"]));
        Assert.Empty(h.CallLines());
    }

    [Fact]
    public async Task A_context_for_Gemma2_is_refused_before_any_download_because_MLC_forces_4096()
    {
        using var h = new CompileHarness();
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(),
            "compile", "--model", "gemma2-2b", "--context", "8192", "--recipes", RepoPaths.Combine("recipes"), "--skip-doctor");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Gemma2Config resets context_window_size", Flat(r.StdErr));
        Assert.False(Directory.Exists(h.Dir["build"]));
    }

    [Fact]
    public async Task Plan_prints_stages_keys_commands_and_environment_and_runs_nothing()
    {
        using var h = new CompileHarness();
        var r = await h.RunAsync("--plan");

        AssertOk(r);
        var plan = r.Json().RootElement.GetProperty("plan");
        var stages = plan.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["resolve", "fetch", "convert", "configure", "compile", "verify", "package", "register"], stages.Select(s => s.GetProperty("name").GetString()));
        Assert.All(stages, s => Assert.Equal(32, s.GetProperty("key").GetString()!.Length));
        Assert.Contains("-m mlc_llm compile", stages[4].GetProperty("command").GetString());
        Assert.Contains("--system-lib-prefix gemma3_text_q4f16_1_", stages[4].GetProperty("command").GetString());
        Assert.Contains("--context-window-size 8192", stages[3].GetProperty("command").GetString());
        Assert.Contains("mlc-standin/python", plan.GetProperty("environment").GetProperty("PYTHONPATH").GetString());
        Assert.Empty(h.CallLines());
        Assert.False(Directory.Exists(h.Dist));

        // The keys of a plan are the keys of the run.
        AssertOk(await h.RunAsync());
        var after = (await h.RunAsync("--plan")).Json().RootElement.GetProperty("plan").GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(stages.Select(s => s.GetProperty("key").GetString()), after.Select(s => s.GetProperty("key").GetString()));
        Assert.All(after, s => Assert.True(s.GetProperty("upToDate").GetBoolean()));
    }

    [Fact]
    public async Task A_wrong_toolchain_stops_with_fixes_before_anything_runs()
    {
        using var h = new CompileHarness();
        var args = h.Args().Where(a => a != "--skip-doctor").ToArray();
        var r = await AlcRun.RunAsync(h.Dir.Path, h.Environment(("ALC_PYTHON", h.Dir["no-python"])), args);

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("alc doctor", Flat(r.StdErr));
        Assert.False(Directory.Exists(h.Dir["build"]));
        Assert.Empty(h.CallLines());
    }
}
