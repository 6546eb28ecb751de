using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ava.Compiler.Registry;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The Action entry run as a process, the way the runner runs it: a fabricated runner environment (temp GITHUB_* files,
/// INPUT_* variables, GITHUB_API_URL pointing at @octokit/fixtures-server), then the log, the summary, the outputs and
/// what reached "GitHub" are checked. The scenario accepts only the exact uploaded bytes and committed JSON.
/// </summary>
public class ActionEndToEndTests : IDisposable
{
    private const string Token = "ghs_e2eTokenThatMustNeverBePrinted0001";
    private readonly TempDir _dir = new("action-e2e");

    public void Dispose() => _dir.Dispose();

    public static string ActionDll
    {
        get
        {
            // Same configuration as this test assembly (bin/<Configuration>/net10.0/).
            var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var config = tfmDir.Parent!.Name;
            return RepoPaths.Combine("src", "Ava.Action", "bin", config, tfmDir.Name, "ava-action.dll");
        }
    }

    private sealed record Run(int ExitCode, string Log, string Summary, Dictionary<string, string> Outputs);

    private async Task<Run> RunActionAsync(Dictionary<string, string> inputs, string? apiUrl = null, Dictionary<string, string>? extraEnv = null)
    {
        var env = new Dictionary<string, string>
        {
            ["GITHUB_WORKSPACE"] = _dir["workspace"],
            ["GITHUB_REPOSITORY"] = "ava-org/models",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        if (apiUrl is not null) env["GITHUB_API_URL"] = apiUrl;
        foreach (var f in new[] { "OUTPUT", "ENV", "STATE", "PATH", "STEP_SUMMARY" })
            env[$"GITHUB_{f}"] = _dir.Write($"runner/{f.ToLowerInvariant()}", "");
        foreach (var (k, v) in inputs) env["INPUT_" + k.Replace(' ', '_').ToUpperInvariant()] = v;
        foreach (var (k, v) in extraEnv ?? []) env[k] = v;

        var r = await NodeTools.RunAsync("dotnet", [ActionDll], env, _dir.Path, TimeSpan.FromMinutes(3));
        var log = r.Text + r.StdErr;
        return new Run(r.ExitCode, log, File.ReadAllText(env["GITHUB_STEP_SUMMARY"]), ParseFileCommands(File.ReadAllText(env["GITHUB_OUTPUT"])));
    }

    /// <summary>The runner's own reading of a GITHUB_OUTPUT file (heredoc entries; see FileCommandManager).</summary>
    private static Dictionary<string, string> ParseFileCommands(string text)
    {
        var result = new Dictionary<string, string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var m = Regex.Match(lines[i], "^([^=<]+)<<(.+)$");
            Assert.True(m.Success, $"not a heredoc line: {lines[i]}");
            var value = new List<string>();
            while (lines[++i] != m.Groups[2].Value) value.Add(lines[i]);
            result[m.Groups[1].Value] = string.Join('\n', value);
        }
        return result;
    }

    private const string Ge2 = "AVA-GE2-2B16";
    private const string AttestationId = "18734562";
    private const string AttestationUrl = "https://github.com/ava-org/models/attestations/18734562";

    private const string Aon = "AVA-384-Base-INT8";

    [Fact]
    public async Task The_action_publishes_artifacts_with_the_files_their_entries_list_and_reports_them()
    {
        // What the publish job of compile-model.yml finds: the compile job's dist/ and registry/models/ (real entries
        // of real builds, registered the way the core's register step does it).
        var registry = new ModelRegistry(_dir["workspace/registry"]);
        var registered = registry.Register(RegistryEntries.ForLlm(
            Registry.RegistryBuilds.Llm(_dir["workspace/dist"], Ge2, "v022-android.tar", "gemma2_q4f16_1_")));
        var aonRegistered = registry.Register(RegistryEntries.ForAon(Registry.RegistryBuilds.Aon(_dir["workspace/dist"], Aon)));
        byte[] Bytes(string rel) => File.ReadAllBytes(_dir[$"workspace/dist/{rel}"]);
        var lonely = Encoding.UTF8.GetBytes("AON stand-in bytes \u2713\n");
        _dir.Write("workspace/dist/models/AVA-768-Base-INT8.AON", lonely);
        _dir.Write("workspace/dist/compile-report.md", "# Compile report\n\n## Verification\n\n| object | verdict |\n|---|---|\n| lib0.ADco | ok |\n");
        static string Url(string asset) => $"https://github.com/ava-org/models/releases/download/v1.2.3/{asset}";
        // What goes up, in order: each artifact, then the other files its entry lists (the vocabulary of the .AON, the
        // libraries of the .ALM; AVALibrary.ADco is in every LLM, so its asset carries the model's name).
        (string Asset, string File, byte[] Bytes)[] uploads =
        [
            ($"{Aon}.AON", $"models/{Aon}.AON", Bytes($"models/{Aon}.AON")),
            ($"{Aon}.vocab.txt", $"models/{Aon}.vocab.txt", Bytes($"models/{Aon}.vocab.txt")),
            ("AVA-768-Base-INT8.AON", "models/AVA-768-Base-INT8.AON", lonely),
            ($"{Ge2}.ALM", $"{Ge2}.ALM", Bytes($"{Ge2}.ALM")),
            ($"{Ge2}.ADco", $"models/llm/{Ge2}/{Ge2}.ADco", Bytes($"models/llm/{Ge2}/{Ge2}.ADco")),
            ($"{Ge2}.AVALibrary.ADco", $"models/llm/{Ge2}/AVALibrary.ADco", Bytes($"models/llm/{Ge2}/AVALibrary.ADco")),
        ];
        // The committed entries are the registered ones plus every uploaded file's download URL and the attestation, byte for byte.
        var aonEntry = RegistryJson.Serialize(aonRegistered.Entry.WithReleaseUrl($"{Aon}.AON", Url($"{Aon}.AON"))
            .WithReleaseUrl($"{Aon}.vocab.txt", Url($"{Aon}.vocab.txt")).WithAttestation(AttestationId, AttestationUrl));
        var entry = RegistryJson.Serialize(registered.Entry.WithReleaseUrl($"{Ge2}.ALM", Url($"{Ge2}.ALM"))
            .WithReleaseUrl($"{Ge2}.ADco", Url($"{Ge2}.ADco")).WithReleaseUrl("AVALibrary.ADco", Url($"{Ge2}.AVALibrary.ADco"))
            .WithAttestation(AttestationId, AttestationUrl));

        const string R = "/repos/ava-org/models";
        var release = new JsonObject
        {
            ["id"] = 2000, ["tag_name"] = "v1.2.3", ["html_url"] = "https://github.com/ava-org/models/releases/tag/v1.2.3",
            ["upload_url"] = $"https://uploads.github.com{R}/releases/2000/assets{{?name,label}}", ["assets"] = new JsonArray(),
        };
        JsonObject Asset(int id, string name, byte[] b) => new()
        {
            ["id"] = id, ["name"] = name, ["state"] = "uploaded", ["size"] = b.Length, ["browser_download_url"] = Url(name),
        };
        var scenario = new ScenarioWriter()
            .Api_("get", $"{R}/releases/tags/v1.2.3", 404, new JsonObject { ["message"] = "Not Found" })
            .Api_("post", $"{R}/releases", 201, release, new JsonObject
            {
                ["tag_name"] = "v1.2.3", ["target_commitish"] = "0123456789abcdef0123456789abcdef01234567", ["name"] = "AVA models v1.2.3",
                ["body"] = "Built and verified by ava/model-compile.", ["draft"] = false, ["prerelease"] = false, ["generate_release_notes"] = false,
            });
        foreach (var (u, i) in uploads.Select((u, i) => (u, i)))
            scenario.Upload($"{R}/releases/2000/assets?name={u.Asset}", u.Bytes, 201, Asset(3000 + i, u.Asset, u.Bytes));
        scenario.Api_("get", $"{R}/git/refs/heads/registry", 200, new JsonObject { ["ref"] = "refs/heads/registry", ["object"] = new JsonObject { ["sha"] = new string('1', 40) } });
        foreach (var (name, text, commit) in new[] { (Aon, aonEntry, 'e'), (Ge2, entry, 'd') })
            scenario
                .Api_("get", $"{R}/contents/registry/models/{name}.json?ref=registry", 404, new JsonObject { ["message"] = "Not Found" })
                .Api_("put", $"{R}/contents/registry/models/{name}.json", 201,
                    new JsonObject { ["content"] = new JsonObject { ["sha"] = new string('c', 40) }, ["commit"] = new JsonObject { ["sha"] = new string(commit, 40) } },
                    new JsonObject { ["content"] = ScenarioWriter.FileText(text), ["message"] = $"registry: {name} (v1.2.3)", ["branch"] = "registry" });
        scenario.WriteTo(_dir.Write("scenarios/action-publish.json", ""));

        await using var server = await FixturesServer.StartAsync(_dir["scenarios"] + "/*.json");
        var api = await server.LoadAsync("action-publish");

        var run = await RunActionAsync(new()
        {
            ["artifacts"] = $"dist/**/*.AON\ndist/{Ge2}.ALM",
            ["reports"] = "dist/compile-report.md",
            ["publish"] = "true",
            ["release-tag"] = "v1.2.3",
            ["github-token"] = Token,
            ["attestation-id"] = AttestationId,
            ["attestation-url"] = AttestationUrl,
        }, api.AbsoluteUri);

        Assert.True(run.ExitCode == 0, run.Log);
        await server.AssertConsumedAsync(api);

        // The token was masked before anything else was printed, and never printed in clear.
        Assert.StartsWith($"::add-mask::{Token}\n", run.Log);
        Assert.Equal(1, Regex.Count(run.Log, Regex.Escape(Token)));
        Assert.Contains("::group::Artifacts\n", run.Log);
        Assert.Contains("::group::Publish\n", run.Log);
        Assert.Contains($"{Ge2}.ALM: uploaded", run.Log);
        Assert.Contains($"{Aon}.vocab.txt: uploaded", run.Log);
        Assert.Contains("AVA-768-Base-INT8.AON has no entry in", run.Log);
        Assert.DoesNotContain("only apply when publishing", run.Log);

        Assert.Equal("succeeded", run.Outputs["status"]);
        Assert.Equal(uploads.Select(u => "dist/" + u.File), JsonSerializer.Deserialize<string[]>(run.Outputs["artifacts"])!);
        var urls = JsonSerializer.Deserialize<string[]>(run.Outputs["asset-urls"])!;
        Assert.Equal(uploads.Length, urls.Length);
        // The fixtures server serves its responses' URLs from itself (http://127.0.0.1:PORT/github.com/ID/...).
        Assert.Matches($@"^http://127\.0\.0\.1:[0-9]+/github\.com/[0-9a-z]+/ava-org/models/releases/download/v1\.2\.3/{Ge2}\.ALM$", urls[3]);
        var served = urls[3][..urls[3].IndexOf("/ava-org/", StringComparison.Ordinal)];
        string AsServed(string text) => text.Replace("https://github.com/ava-org/models/releases/download/", served + "/ava-org/models/releases/download/");
        Assert.Equal([$"registry/models/{Aon}.json", $"registry/models/{Ge2}.json"], JsonSerializer.Deserialize<string[]>(run.Outputs["registry-entries"])!);

        // The server accepted only the entries with every asset's URL and the attestation; the local registry says the same.
        var local = new ModelRegistry(_dir["workspace/registry"]).GetModel(Ge2);
        Assert.Equal(urls[3], local.ArtifactWithRole(ArtifactRole.Package)!.ReleaseUrl);
        Assert.Equal(new EntryAttestation(AttestationId, AttestationUrl), local.Attestation);
        Assert.Equal(AsServed(entry), File.ReadAllText(_dir[$"workspace/registry/models/{Ge2}.json"]));
        var localAon = new ModelRegistry(_dir["workspace/registry"]).GetModel(Aon);
        Assert.Equal(urls[1], localAon.ArtifactWithRole(ArtifactRole.Vocab)!.ReleaseUrl);
        Assert.Equal(AsServed(aonEntry), File.ReadAllText(_dir[$"workspace/registry/models/{Aon}.json"]));

        Assert.Contains("## ava/model-compile: ✅ succeeded", run.Summary);
        var alm = uploads[3].Bytes;
        Assert.Contains($"| `dist/{Ge2}.ALM` | {alm.Length:N0} B | `{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(alm))}` |", run.Summary);
        Assert.Contains($"| `{Aon}.vocab.txt` | uploaded |", run.Summary);
        Assert.Contains($"| `registry/models/{Ge2}.json` | `registry` | created | `dddddddddddd` |", run.Summary);
        Assert.Contains($"Build provenance: [attestation {AttestationId}]({AttestationUrl})", run.Summary);
        // The report's own headings sit under the action's: "# Compile report" became level 4.
        Assert.Contains("\n#### Compile report\n", run.Summary);
        Assert.Contains("verification: **passed**", run.Summary);
        Assert.Contains("#### alc verify: ✅ ACCEPTED", run.Summary);
        Assert.Equal("passed", run.Outputs["verification"]);
        Assert.Contains("\n##### Verification\n", run.Summary);
    }

    [Fact]
    public async Task A_file_that_is_not_the_one_its_entry_registers_stops_the_run_before_anything_is_uploaded()
    {
        new ModelRegistry(_dir["workspace/registry"]).Register(RegistryEntries.ForAon(Registry.RegistryBuilds.Aon(_dir["workspace/dist"], Aon)));
        // A later build's vocabulary next to the old entry: publishing it would give the entry a URL of bytes it does not describe.
        File.AppendAllText(_dir[$"workspace/dist/models/{Aon}.vocab.txt"], "extra\n");

        var run = await RunActionAsync(new() { ["artifacts"] = "dist/**/*.AON", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token },
            apiUrl: "http://127.0.0.1:9/");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"::error::dist/models/{Aon}.vocab.txt is not the file", run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
    }

    [Fact]
    public async Task Registry_only_publishing_commits_nothing_when_the_entry_is_already_there()
    {
        var entry = "{\n  \"experiment\": \"ge2-vs-ge3\"\n}\n";
        _dir.Write("workspace/registry/ab/ge2-vs-ge3.json", entry);
        const string R = "/repos/ava-org/models";
        new ScenarioWriter()
            .Api_("get", $"{R}/git/refs/heads/registry", 200, new JsonObject { ["ref"] = "refs/heads/registry", ["object"] = new JsonObject { ["sha"] = new string('1', 40) } })
            .Api_("get", $"{R}/contents/registry/ab/ge2-vs-ge3.json?ref=registry", 200, new JsonObject
            {
                ["type"] = "file", ["path"] = "registry/ab/ge2-vs-ge3.json", ["sha"] = new string('a', 40), ["encoding"] = "base64",
                ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(entry)),
            })
            .WriteTo(_dir.Write("scenarios/registry-only.json", ""));
        await using var server = await FixturesServer.StartAsync(_dir["scenarios"] + "/*.json");
        var api = await server.LoadAsync("registry-only");

        var run = await RunActionAsync(new() { ["registry-files"] = "registry/ab/*.json", ["publish"] = "true", ["github-token"] = Token }, api.AbsoluteUri);

        Assert.True(run.ExitCode == 0, run.Log);
        await server.AssertConsumedAsync(api);
        Assert.Contains("registry/ab/ge2-vs-ge3.json on registry: unchanged", run.Log);
        Assert.Contains("| `registry/ab/ge2-vs-ge3.json` | `registry` | unchanged | – |", run.Summary);
        Assert.DoesNotContain("release-url", run.Outputs.Keys);
    }

    [Fact]
    public async Task A_library_built_with_the_old_TVM_api_is_annotated_and_nothing_is_published()
    {
        File.Copy(RepoPaths.Combine("tests", "fixtures", "tvm", "out", "v020-android.tar"), _dir.Write("workspace/dist/AVA-GE2-2B16.ALM", ""), overwrite: true);

        // No API URL reachable: publishing must not even be tried.
        var run = await RunActionAsync(new() { ["artifacts"] = "dist/*.ALM", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token },
            apiUrl: "http://127.0.0.1:9/");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"(?m)^::error title=old-api[^,]*,file=dist/AVA-GE2-2B16\.ALM::.*TVMFuncCall", run.Log);
        Assert.Contains("::error::1 of 1 model library was rejected", run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
        Assert.Equal("failed", run.Outputs["verification"]);
        Assert.Contains("## ava/model-compile: ❌ failed", run.Summary);
        Assert.Contains("#### alc verify: ❌ REJECTED", run.Summary);
    }

    [Fact]
    public async Task The_action_compiles_a_model_with_the_same_core_as_alc_compile()
    {
        Directory.CreateDirectory(_dir["workspace"]);
        foreach (var recipe in Directory.GetFiles(RepoPaths.Combine("recipes")))
            File.Copy(recipe, _dir.Write("workspace/recipes/" + Path.GetFileName(recipe), ""), overwrite: true);

        var run = await RunActionAsync(new() { ["model"] = "minilm-384", ["github-token"] = Token });

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Equal("AVA-384-Base-INT8", run.Outputs["ava-name"]);
        // The vocabulary its entry lists is published with it.
        Assert.Equal(["dist/models/AVA-384-Base-INT8.AON", "dist/models/AVA-384-Base-INT8.vocab.txt"], JsonSerializer.Deserialize<string[]>(run.Outputs["artifacts"])!);
        Assert.True(File.Exists(_dir["workspace/dist/models/AVA-384-Base-INT8.AON"]));
        // One collapsible group per pipeline stage.
        foreach (var stage in new[] { "aon-fetch", "aon-quantize", "aon-validate", "aon-package" })
            Assert.Contains($"::group::{stage}\n", run.Log);
        Assert.Contains("### compile report: AVA-384-Base-INT8", run.Summary);
        Assert.Contains("Model **AVA-384-Base-INT8**", run.Summary);
        // The same record alc compile writes, where the compile workflow uploads it from.
        var entry = new ModelRegistry(_dir["workspace/registry"]).GetModel("AVA-384-Base-INT8");
        Assert.Equal(Sha256Of(_dir["workspace/dist/models/AVA-384-Base-INT8.AON"]), entry.ArtifactWithRole(ArtifactRole.Model)!.Sha256);
    }

    [Fact]
    public async Task The_action_compiles_an_LLM_with_the_stand_in_toolchain_then_a_rerun_publishes_it_without_rebuilding()
    {
        var model = Compile.TinyGemma.Create(_dir["workspace/models/gemma-3-1b"]);
        foreach (var recipe in Directory.GetFiles(RepoPaths.Combine("recipes")))
            File.Copy(recipe, _dir.Write("workspace/recipes/" + Path.GetFileName(recipe), ""), overwrite: true);
        var (_, python, _) = Programs.Run("python3", "-c", "import sys; print(sys.executable)");
        var standIn = new Dictionary<string, string>
        {
            ["ALC_PYTHON"] = python.Trim(),
            ["ALC_MLC_LLM_DIR"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin"),
            ["MLC_STANDIN_CALLS"] = _dir["calls.log"],
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONPATH"] = PythonStubs.SharedDirectory,
        };
        var inputs = new Dictionary<string, string>
        {
            ["model"] = "gemma3-1b", ["source"] = "models/gemma-3-1b", ["skip-doctor"] = "true", ["github-token"] = Token,
        };

        var built = await RunActionAsync(inputs, extraEnv: standIn);

        Assert.True(built.ExitCode == 0, built.Log);
        Assert.Equal("AVA-GE3-1B16", built.Outputs["ava-name"]);
        Assert.Equal("passed", built.Outputs["verification"]);
        Assert.Equal(["dist/AVA-GE3-1B16.ALM", "dist/models/llm/AVA-GE3-1B16/AVA-GE3-1B16.ADco", "dist/models/llm/AVA-GE3-1B16/AVALibrary.ADco"],
            JsonSerializer.Deserialize<string[]>(built.Outputs["artifacts"])!);
        foreach (var stage in new[] { "fetch", "convert", "configure", "compile", "verify", "package", "register" })
            Assert.Contains($"::group::{stage}\n", built.Log);
        Assert.Contains("### compile report: AVA-GE3-1B16", built.Summary);
        Assert.Contains("#### alc verify: ✅ ACCEPTED", built.Summary);
        var toolCalls = File.ReadAllLines(_dir["calls.log"]).Length;

        // Publish from a second run: every stage is up to date, so the bytes uploaded are the ones built above.
        var alm = File.ReadAllBytes(_dir["workspace/dist/AVA-GE3-1B16.ALM"]);
        // The core's register step wrote the one registry record; publishing adds the asset's URL to it.
        var almUrl = "https://github.com/ava-org/models/releases/download/models-v1/AVA-GE3-1B16.ALM";
        var registered = ModelRegistry.LoadModel(_dir["workspace/registry/models/AVA-GE3-1B16.json"]);
        Assert.Null(registered.ArtifactWithRole(ArtifactRole.Package)!.ReleaseUrl);
        // The model folder's libraries, listed in the entry, go up with the .ALM (AVALibrary.ADco under the model's name).
        const string Ge3 = "AVA-GE3-1B16";
        static string Url(string asset) => $"https://github.com/ava-org/models/releases/download/models-v1/{asset}";
        (string Asset, byte[] Bytes)[] uploads =
        [
            ($"{Ge3}.ALM", alm),
            ($"{Ge3}.ADco", File.ReadAllBytes(_dir[$"workspace/dist/models/llm/{Ge3}/{Ge3}.ADco"])),
            ($"{Ge3}.AVALibrary.ADco", File.ReadAllBytes(_dir[$"workspace/dist/models/llm/{Ge3}/AVALibrary.ADco"])),
        ];
        var entry = RegistryJson.Serialize(registered.WithReleaseUrl("AVA-GE3-1B16.ALM", almUrl)
            .WithReleaseUrl($"{Ge3}.ADco", Url($"{Ge3}.ADco")).WithReleaseUrl("AVALibrary.ADco", Url($"{Ge3}.AVALibrary.ADco")));
        Assert.Contains(almUrl, entry);
        const string R = "/repos/ava-org/models";
        var scenario = new ScenarioWriter()
            .Api_("get", $"{R}/releases/tags/models-v1", 200, new JsonObject
            {
                ["id"] = 7, ["tag_name"] = "models-v1", ["html_url"] = "https://github.com/ava-org/models/releases/tag/models-v1",
                ["upload_url"] = $"https://uploads.github.com{R}/releases/7/assets{{?name,label}}", ["assets"] = new JsonArray(),
            });
        foreach (var (u, i) in uploads.Select((u, i) => (u, i)))
            scenario.Upload($"{R}/releases/7/assets?name={u.Asset}", u.Bytes, 201, new JsonObject
            {
                ["id"] = 70 + i, ["name"] = u.Asset, ["state"] = "uploaded", ["size"] = u.Bytes.Length, ["browser_download_url"] = Url(u.Asset),
            });
        scenario
            .Api_("get", $"{R}/git/refs/heads/registry", 200, new JsonObject { ["ref"] = "refs/heads/registry", ["object"] = new JsonObject { ["sha"] = new string('1', 40) } })
            .Api_("get", $"{R}/contents/registry/models/AVA-GE3-1B16.json?ref=registry", 404, new JsonObject { ["message"] = "Not Found" })
            .Api_("put", $"{R}/contents/registry/models/AVA-GE3-1B16.json", 201,
                new JsonObject { ["content"] = new JsonObject { ["sha"] = new string('c', 40) }, ["commit"] = new JsonObject { ["sha"] = new string('e', 40) } },
                new JsonObject
                {
                    ["content"] = ScenarioWriter.FileText(entry), ["message"] = "registry: AVA-GE3-1B16 (models-v1)", ["branch"] = "registry",
                })
            .WriteTo(_dir.Write("scenarios/llm-publish.json", ""));
        await using var server = await FixturesServer.StartAsync(_dir["scenarios"] + "/*.json");
        var api = await server.LoadAsync("llm-publish");

        var published = await RunActionAsync(new(inputs) { ["publish"] = "true", ["release-tag"] = "models-v1" }, api.AbsoluteUri, standIn);

        Assert.True(published.ExitCode == 0, published.Log);
        await server.AssertConsumedAsync(api);
        Assert.Equal(toolCalls, File.ReadAllLines(_dir["calls.log"]).Length);
        Assert.Equal(["registry/models/AVA-GE3-1B16.json"], JsonSerializer.Deserialize<string[]>(published.Outputs["registry-entries"])!);
        var urls = JsonSerializer.Deserialize<string[]>(published.Outputs["asset-urls"])!;
        Assert.Equal(3, urls.Length);
        var served = urls[0][..urls[0].IndexOf("/ava-org/", StringComparison.Ordinal)];
        Assert.Equal(entry.Replace("https://github.com/ava-org/", served + "/ava-org/"), File.ReadAllText(_dir["workspace/registry/models/AVA-GE3-1B16.json"]));
    }

    [Fact]
    public async Task The_app_input_puts_the_runtime_chain_in_the_summary_and_the_specs_mismatch_fails_the_run_before_dist()
    {
        Compile.TinyGemma.Create(_dir["workspace/models/gemma-3-1b"]);
        foreach (var recipe in Directory.GetFiles(RepoPaths.Combine("recipes")))
            File.Copy(recipe, _dir.Write("workspace/recipes/" + Path.GetFileName(recipe), ""), overwrite: true);
        var (_, python, _) = Programs.Run("python3", "-c", "import sys; print(sys.executable)");
        var standIn = new Dictionary<string, string>
        {
            ["ALC_PYTHON"] = python.Trim(),
            ["ALC_MLC_LLM_DIR"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin"),
            ["MLC_STANDIN_CALLS"] = _dir["calls.log"],
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONPATH"] = PythonStubs.SharedDirectory,
        };
        // The app in the workspace: a v0.22 runtime and jar, and libtvm4j.so built from v0.20's jvm/native (the spec's app).
        using var stack = new Verification.AppChain.AppStack();
        var libs = stack.Runtime("jniLibs/arm64-v8a");
        stack.Bridge("jniLibs/arm64-v8a", Verification.AppChain.AppStack.V020, packed: true);
        var jar = stack.Jar(Verification.AppChain.AppStack.V022);
        void CopyApp()
        {
            foreach (var so in Directory.GetFiles(libs, "*.so")) File.Copy(so, _dir.Write("workspace/app/jniLibs/arm64-v8a/" + Path.GetFileName(so), ""), overwrite: true);
            File.Copy(jar, _dir.Write("workspace/app/libs/tvm4j_core.jar", ""), overwrite: true);
        }
        CopyApp();
        var inputs = new Dictionary<string, string>
        {
            ["model"] = "gemma3-1b", ["source"] = "models/gemma-3-1b", ["skip-doctor"] = "true", ["github-token"] = Token,
            ["app"] = "app/jniLibs/arm64-v8a\napp/libs/tvm4j_core.jar",
        };

        var broken = await RunActionAsync(inputs, extraEnv: standIn);
        Assert.Equal(1, broken.ExitCode);
        Assert.Equal("failed", broken.Outputs["verification"]);
        Assert.True(broken.Log.Contains("::error::The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal"), broken.Log);
        Assert.Contains("## ava/model-compile: ❌ failed", broken.Summary);
        Assert.Contains("### verification", broken.Summary);
        Assert.Contains("App runtime chain — **broken**", broken.Summary);
        Assert.Contains("| ✗ | jar → JNI bridge | `tvm4j_core.jar (v0.22 API)` | `libtvm4j.so` | The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal", broken.Summary);
        Assert.DoesNotContain(_dir.Path, ChainPart(broken.Summary));
        Assert.False(Directory.Exists(_dir["workspace/dist"]));

        // The bridge rebuilt from v0.22: the run passes and the summary shows each link proven.
        File.Delete(Path.Combine(libs, "libtvm4j.so"));
        stack.Bridge("jniLibs/arm64-v8a", Verification.AppChain.AppStack.V022);
        CopyApp();
        var proven = await RunActionAsync(inputs, extraEnv: standIn);
        Assert.True(proven.ExitCode == 0, proven.Log);
        Assert.Equal("passed", proven.Outputs["verification"]);
        Assert.Contains("App runtime chain: proven for `arm64-v8a`, `tvm4j_core.jar`", proven.Summary);
        Assert.Contains("- ✓ jar → JNI bridge: `tvm4j_core.jar (v0.22 API)` → `libtvm4j.so`", proven.Summary);
        Assert.Contains("App runtime chain — proven", proven.Summary);
        Assert.DoesNotContain(_dir.Path, ChainPart(proven.Summary));
    }

    [Fact]
    public async Task A_publish_only_run_with_the_specs_mismatched_app_fails_on_the_chain_and_publishes_nothing()
    {
        // A v0.22 library (MLC's tar, so no package manifest is expected): built right, the app around it is what is broken.
        File.Copy(RepoPaths.Combine("tests", "fixtures", "tvm", "out", "v022-android.tar"), _dir.Write("workspace/dist/gemma2-android.tar", ""), overwrite: true);
        // The spec's app: a v0.22 runtime and jar, and libtvm4j.so built from v0.20's jvm/native.
        using var stack = new Verification.AppChain.AppStack();
        var libs = stack.Runtime("jniLibs/arm64-v8a");
        stack.Bridge("jniLibs/arm64-v8a", Verification.AppChain.AppStack.V020, packed: true);
        var jar = stack.Jar(Verification.AppChain.AppStack.V022);
        foreach (var so in Directory.GetFiles(libs, "*.so")) File.Copy(so, _dir.Write("workspace/app/jniLibs/arm64-v8a/" + Path.GetFileName(so), ""), overwrite: true);
        File.Copy(jar, _dir.Write("workspace/app/libs/tvm4j_core.jar", ""), overwrite: true);

        // No API URL reachable: publishing must not even be tried.
        var run = await RunActionAsync(new()
        {
            ["artifacts"] = "dist/*.tar", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token,
            ["app"] = "app/jniLibs/arm64-v8a\napp/libs/tvm4j_core.jar",
        }, apiUrl: "http://127.0.0.1:9/");

        Assert.True(run.ExitCode == 1, run.Log);
        Assert.Equal("failed", run.Outputs["verification"]);
        Assert.True(Regex.IsMatch(run.Log, @"(?m)^::error::The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal\b"), run.Log);
        // The library is rejected only against the runtime the v0.20 bridge carries: said after the chain, never as "rebuild the library".
        Assert.Contains("(1 of 1 model library was rejected for android-arm64 against the app's runtime;", run.Log);
        Assert.DoesNotContain("Rebuild with the pinned TVM", run.Log.Split('\n').Single(l => l.StartsWith("::error::", StringComparison.Ordinal)));
        Assert.DoesNotContain("::group::Publish", run.Log);
        Assert.Contains("## ava/model-compile: ❌ failed", run.Summary);
        Assert.Contains("App runtime chain — **broken**", run.Summary);
        Assert.Contains("| ✗ | jar → JNI bridge | `tvm4j_core.jar (v0.22 API)` | `libtvm4j.so` | The app will throw UnsatisfiedLinkError: tvmFFIFunctionGetGlobal", run.Summary);
        Assert.DoesNotContain(_dir.Path, ChainPart(run.Summary));
        Assert.DoesNotContain("release-url", run.Outputs.Keys);
    }

    /// <summary>The summary's lines about the app's chain (its sections and link rows), where paths are shown short.</summary>
    private static string ChainPart(string summary) => string.Join("\n", summary.Split('\n')
        .Where(l => l.Contains("runtime chain", StringComparison.Ordinal) || l.Contains(" → ", StringComparison.Ordinal) || l.StartsWith("| `lib", StringComparison.Ordinal)));

    [Fact]
    public async Task Without_the_app_input_the_summary_says_the_chain_was_not_checked()
    {
        Compile.TinyGemma.Create(_dir["workspace/models/gemma-3-1b"]);
        foreach (var recipe in Directory.GetFiles(RepoPaths.Combine("recipes")))
            File.Copy(recipe, _dir.Write("workspace/recipes/" + Path.GetFileName(recipe), ""), overwrite: true);
        var (_, python, _) = Programs.Run("python3", "-c", "import sys; print(sys.executable)");
        var run = await RunActionAsync(new() { ["model"] = "gemma3-1b", ["source"] = "models/gemma-3-1b", ["skip-doctor"] = "true", ["github-token"] = Token },
            extraEnv: new()
            {
                ["ALC_PYTHON"] = python.Trim(), ["ALC_MLC_LLM_DIR"] = RepoPaths.Combine("tests", "fixtures", "mlc-standin"),
                ["MLC_STANDIN_CALLS"] = _dir["calls.log"], ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONPATH"] = PythonStubs.SharedDirectory,
            });
        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Contains("App runtime chain: The app's runtime chain (tvm4j jar → JNI bridge → runtime → this library) was not checked", run.Summary);
        Assert.Contains("set the `app` input", run.Summary);
    }

    [Fact]
    public async Task Bad_inputs_fail_the_step_with_one_error_naming_the_fix_and_a_failed_summary()
    {
        Directory.CreateDirectory(_dir["workspace"]);

        var run = await RunActionAsync(new() { ["publish"] = "yes", ["github-token"] = Token, ["artifacts"] = "x.ALM" });

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"::add-mask::{Token}\n", run.Log);
        Assert.Contains("::error::Input does not meet YAML 1.2 \"Core Schema\" specification: publish%0ASupport boolean input list", run.Log);
        Assert.Contains("## ava/model-compile: ❌ failed", run.Summary);
        Assert.Equal("failed", run.Outputs["status"]);
    }

    private static string Sha256Of(string file) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));

    [Theory]
    [InlineData("18734562", "", "Only one of 'attestation-id' and 'attestation-url' was given")]
    [InlineData("", AttestationUrl, "Only one of 'attestation-id' and 'attestation-url' was given")]
    [InlineData("18734562", "http://github.com/ava-org/models/attestations/18734562", "not an https URL")]
    [InlineData("18734562; rm -rf /", AttestationUrl, "not an attestation id")]
    public async Task A_partial_or_malformed_attestation_is_refused_before_anything_is_published(string id, string url, string expected)
    {
        Directory.CreateDirectory(_dir["workspace"]);
        var run = await RunActionAsync(new()
        {
            ["artifacts"] = "dist/*.ALM", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token,
            ["attestation-id"] = id, ["attestation-url"] = url,
        }, apiUrl: "http://127.0.0.1:9/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
    }

    [Fact]
    public async Task Two_files_that_would_be_the_same_release_asset_are_refused()
    {
        _dir.Write("workspace/dist/models/AVA-768-Base-INT8.AON", "one\n");
        _dir.Write("workspace/old/AVA-768-Base-INT8.AON", "two\n");

        var run = await RunActionAsync(new() { ["artifacts"] = "dist/**/*.AON\nold/*.AON", ["github-token"] = Token });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("::error::Two files would go up as the release asset AVA-768-Base-INT8.AON: dist/models/AVA-768-Base-INT8.AON and old/AVA-768-Base-INT8.AON.", run.Log);
    }

    [Fact]
    public async Task An_attestation_given_without_publishing_is_warned_about_not_silently_dropped()
    {
        _dir.Write("workspace/dist/models/AVA-384-Base-INT8.AON", "AON stand-in bytes\n");

        var run = await RunActionAsync(new()
        {
            ["artifacts"] = "dist/**/*.AON", ["github-token"] = Token, ["attestation-id"] = AttestationId, ["attestation-url"] = AttestationUrl,
        });

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Contains("::warning::'attestation-id' and 'attestation-url' only apply when publishing ('publish: true')", run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
        Assert.DoesNotContain("Build provenance", run.Summary);
    }

    [Fact]
    public async Task A_broken_registry_entry_of_an_artifact_stops_the_run_before_anything_is_uploaded()
    {
        File.Copy(RepoPaths.Combine("tests", "fixtures", "tvm", "out", "v022-android-package.ALM"), _dir.Write($"workspace/dist/{Ge2}.ALM", ""), overwrite: true);
        _dir.Write($"workspace/registry/models/{Ge2}.json", "{\n  \"name\": \"AVA-GE2-2B16\",\n  \"verification\": \"passed\"\n}\n");

        var run = await RunActionAsync(new() { ["artifacts"] = "dist/*.ALM", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token },
            apiUrl: "http://127.0.0.1:9/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"::error::The registry entry {_dir[$"workspace/registry/models/{Ge2}.json"]} is not valid", run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
    }

    [Fact]
    public async Task A_missing_artifact_is_reported_before_anything_is_published()
    {
        Directory.CreateDirectory(_dir["workspace"]);

        var run = await RunActionAsync(new() { ["artifacts"] = "dist/*.ALM", ["publish"] = "true", ["release-tag"] = "v1", ["github-token"] = Token },
            apiUrl: "http://127.0.0.1:9/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("::warning::'dist/*.ALM' in the 'artifacts' input matches no file.", run.Log);
        Assert.Contains("::error::The 'artifacts' input (dist/*.ALM) matches no file", run.Log);
        Assert.DoesNotContain("::group::Publish", run.Log);
    }
}
