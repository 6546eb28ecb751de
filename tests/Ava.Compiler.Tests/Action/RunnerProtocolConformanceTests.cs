using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ava.Action.Runner;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// Feeds the same calls to our runner protocol and to the real @actions/core 3.0.1 (tests/node/core-oracle.mjs) with the
/// same fabricated runner environment, then compares stdout, every GITHUB_* file and every returned value or error
/// byte for byte, after replacing the random heredoc delimiter with a fixed one.
/// </summary>
public class RunnerProtocolConformanceTests
{
    private static readonly string[] FileCommandNames = ["OUTPUT", "ENV", "STATE", "PATH", "STEP_SUMMARY"];

    public sealed record Case(string Name, string Ops, Dictionary<string, string>? Inputs = null, bool Files = true,
        string? MissingFile = null, string SummarySeed = "");

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => c.Name)];

    private static readonly Case[] Cases =
    [
        new("inputs", """
            [["getInput","my input"],["getInput","dry-run"],["getBooleanInput","dry-run"],["getBooleanInput","bool bad"],
             ["getBooleanInput","empty"],["getInput","missing",{"required":true}],["getInput","spaces",{"required":true}],
             ["getInput","my input",{"trimWhitespace":false}],["getMultilineInput","list"],
             ["getMultilineInput","list",{"trimWhitespace":false}],["getInput","unicode ws"],["getBooleanInput","upper"],
             ["getState","phase"],["getState","PHASE"],["isDebug"]]
            """,
            new()
            {
                ["INPUT_MY_INPUT"] = "  value with spaces \t ",
                ["INPUT_DRY-RUN"] = "True",
                ["INPUT_BOOL_BAD"] = "yes",
                ["INPUT_EMPTY"] = "",
                ["INPUT_SPACES"] = "   ",
                ["INPUT_LIST"] = "  a.ALM\n\n  b.AON  \r\n   \nc",
                ["INPUT_UNICODE_WS"] = "\uFEFF\u00A0 Gemma\u2003 3\u0085\u2028",
                ["INPUT_UPPER"] = "FALSE",
                ["STATE_phase"] = "compile",
                ["RUNNER_DEBUG"] = "1",
            }),
        new("file-commands", """
            [["setOutput","multi","line1\nline2\r\nline3"],["setOutput","empty",""],["setOutput","num",42],
             ["setOutput","obj",{"a":1,"b":[true,null,"x"]}],["setOutput","unicode","ünï 🚀 ✓ 模型"],["setOutput","nothing",null],
             ["setOutput","trailing","ends with newline\n"],["exportVariable","MY_VAR","x%y:z,w\nsecond"],["env","MY_VAR"],
             ["exportVariable","FLAG",true],["env","FLAG"],["saveState","s","a\nb"],["addPath","/opt/alc/bin"],["env","PATH"]]
            """),
        new("fallback-commands-without-files", """
            [["setOutput","multi","line1\nline2\r\n100%: a,b"],["setOutput","empty",""],["exportVariable","MY_VAR","x%y:z,w"],
             ["saveState","s","a\nb"],["addPath","/opt/alc/bin"],["setOutput","na:me,x","v"]]
            """, Files: false),
        new("missing-output-file", """[["setOutput","a","b"],["saveState","s","v"]]""", MissingFile: "OUTPUT"),
        new("annotations", """
            [["error","plain error"],["error","with all",{"title":"T:1,2","file":"src/a,b.cs","startLine":3,"endLine":4,"startColumn":5,"endColumn":6}],
             ["warning","only file",{"file":"dist/AVA-GE3-4B16/lib0.ADco"}],["notice","line zero",{"file":"f.o","startLine":0}],
             ["notice","empty props",{"title":""}],["error","no props",{}],
             ["error","multi\r\nline 100% done",{"title":"a\r\nb%c"}],["warning","ünï ✓ 🚀",{"title":"模型"}],
             ["debug","50%:done,ok\nnext"],["info","raw ::not-a-command:: 100%"],["setSecret","s3cr%t\nline:2,3"],
             ["startGroup","Stage: fetch, 1/7"],["endGroup"],["setCommandEcho",true],["setCommandEcho",false],["startGroup",""]]
            """),
        new("set-failed", """[["info","before"],["setFailed","boom: a,b\nc 100%"],["info","after"]]"""),
        new("summary-append", """
            [["summary","addHeading","Report",2],["summary","addHeading","Out of range",9],
             ["summary","addTable",[[{"data":"Object","header":true},{"data":"Status","header":true,"colspan":"2"}],["lib0.ADco","ok",""],[{"data":"x","rowspan":"2"},"ü"]]],
             ["summary","addCodeBlock","nm -u lib0.o | grep TVM","sh"],["summary","addCodeBlock","no lang"],
             ["summary","addList",["a","b"]],["summary","addList",["c"],true],["summary","addDetails","More","<p>hidden</p>"],
             ["summary","addQuote","quoted","https://example.invalid/c"],["summary","addQuote","no cite"],
             ["summary","addLink","release","https://example.invalid/r"],["summary","addSeparator"],["summary","addBreak"],
             ["summary","addRaw","| a | b |\n|---|---|\n",true],["summary","addRaw","ünï"],["summaryStringify"],
             ["summaryWrite"],["summaryStringify"],["summary","addRaw","second write",true],["summaryWrite",{"overwrite":false}]]
            """, SummarySeed: "# from an earlier step\n"),
        new("summary-overwrite-and-clear", """
            [["summary","addRaw","replaced"],["summaryWrite",{"overwrite":true}],["summary","addRaw","dropped"],["summaryClear"],
             ["summary","addHeading","after clear"],["summaryWrite"]]
            """, SummarySeed: "old content\n"),
        new("summary-without-file", """[["summary","addRaw","x"],["summaryWrite"]]""", Files: false),
    ];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Our_runner_protocol_writes_the_same_bytes_as_actions_core(string name)
    {
        var @case = Cases.Single(c => c.Name == name);

        using var oracleDir = new TempDir("oracle");
        var oracleEnv = Fabricate(@case, oracleDir);
        var casePath = oracleDir.Write("case.json", @case.Ops);
        var resultsPath = oracleDir["results.json"];
        var node = await NodeTools.RunAsync("node", [Path.Combine(NodeTools.Require(), "core-oracle.mjs"), casePath, resultsPath], oracleEnv);
        Assert.True(File.Exists(resultsPath), $"the oracle did not finish: {node.StdErr}");
        var expected = JsonDocument.Parse(File.ReadAllText(resultsPath)).RootElement;

        using var oursDir = new TempDir("ours");
        var ourEnv = Fabricate(@case, oursDir);
        var stdout = new StringWriter { NewLine = "\n" };
        var core = new ActionCore(ourEnv, stdout);
        var results = new List<object?>();
        foreach (var op in JsonDocument.Parse(@case.Ops).RootElement.EnumerateArray())
        {
            try { results.Add(new Dictionary<string, object?> { ["ok"] = await Apply(core, op) }); }
            catch (RunnerProtocolException e) { results.Add(new Dictionary<string, object?> { ["error"] = e.Problem }); }
        }

        // The temp folders differ by name only; error messages that quote a path must match apart from that.
        string Theirs(string s) => Normalise(s).Replace(oracleDir.Path, "<dir>");
        string Mine(string s) => Normalise(s).Replace(oursDir.Path, "<dir>");
        Assert.Equal(Theirs(node.Text), Mine(stdout.ToString()));
        foreach (var file in FileCommandNames)
        {
            var theirs = Theirs(ReadIfExists(oracleEnv, file));
            var mine = Mine(ReadIfExists(ourEnv, file));
            Assert.True(theirs == mine, $"GITHUB_{file} differs:\n--- @actions/core\n{theirs}\n--- ours\n{mine}");
        }
        var theirResults = JsonNode.Parse(Theirs(expected.GetProperty("results").GetRawText()));
        var myResults = JsonNode.Parse(Mine(JsonSerializer.Serialize(results)));
        Assert.True(JsonNode.DeepEquals(theirResults, myResults), $"results differ:\n--- @actions/core\n{theirResults}\n--- ours\n{myResults}");
        Assert.Equal(expected.GetProperty("exitCode").GetInt32(), core.ExitCode);
    }

    [Fact]
    public void The_oracle_case_list_covers_every_operation_we_implement()
    {
        var used = Cases.SelectMany(c => JsonDocument.Parse(c.Ops).RootElement.EnumerateArray().Select(o => o[0].GetString()!)).ToHashSet();
        string[] all = ["getInput", "getMultilineInput", "getBooleanInput", "getState", "setOutput", "exportVariable", "saveState", "addPath",
            "setSecret", "debug", "info", "error", "warning", "notice", "startGroup", "endGroup", "setCommandEcho", "setFailed", "isDebug",
            "summary", "summaryStringify", "summaryWrite", "summaryClear"];
        Assert.Empty(all.Except(used));
    }

    private static Dictionary<string, string> Fabricate(Case c, TempDir dir)
    {
        var env = new Dictionary<string, string>(c.Inputs ?? [], StringComparer.Ordinal) { ["PATH"] = "/usr/bin:/bin" };
        if (!c.Files) return env;
        foreach (var f in FileCommandNames)
        {
            var path = dir[$"{f.ToLowerInvariant()}.txt"];
            env[$"GITHUB_{f}"] = path;
            if (f != c.MissingFile) File.WriteAllText(path, f == "STEP_SUMMARY" ? c.SummarySeed : "");
        }
        return env;
    }

    private static string ReadIfExists(IReadOnlyDictionary<string, string> env, string file) =>
        env.TryGetValue($"GITHUB_{file}", out var p) && File.Exists(p) ? Encoding.UTF8.GetString(File.ReadAllBytes(p)) : "<absent>";

    private static string Normalise(string s) => Regex.Replace(s, "ghadelimiter_[0-9a-f-]{36}", "ghadelimiter_X");

    private static async Task<object?> Apply(ActionCore core, JsonElement op)
    {
        var a = op.EnumerateArray().ToArray();
        string S(int i) => a[i].GetString()!;
        bool Opt(string key, bool fallback) =>
            a.Length > 2 && a[2].ValueKind == JsonValueKind.Object && a[2].TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;
        switch (S(0))
        {
            case "getInput": return core.GetInput(S(1), Opt("required", false), Opt("trimWhitespace", true));
            case "getMultilineInput": return core.GetMultilineInput(S(1), Opt("required", false), Opt("trimWhitespace", true));
            case "getBooleanInput": return core.GetBooleanInput(S(1), Opt("required", false), Opt("trimWhitespace", true));
            case "getState": return core.GetState(S(1));
            case "isDebug": return core.IsDebug;
            case "env": return core.Environment.TryGetValue(S(1), out var v) ? v : null;
            case "setOutput": core.SetOutput(S(1), Value(a[2])); return null;
            case "exportVariable": core.ExportVariable(S(1), Value(a[2])); return null;
            case "saveState": core.SaveState(S(1), Value(a[2])); return null;
            case "addPath": core.AddPath(S(1)); return null;
            case "setSecret": core.SetSecret(S(1)); return null;
            case "debug": core.Debug(S(1)); return null;
            case "info": core.Info(S(1)); return null;
            case "error": core.Error(S(1), Props(a)); return null;
            case "warning": core.Warning(S(1), Props(a)); return null;
            case "notice": core.Notice(S(1), Props(a)); return null;
            case "startGroup": core.StartGroup(S(1)); return null;
            case "endGroup": core.EndGroup(); return null;
            case "setCommandEcho": core.SetCommandEcho(a[1].GetBoolean()); return null;
            case "setFailed": core.SetFailed(S(1)); return null;
            case "summaryStringify": return core.Summary.Stringify();
            case "summaryWrite":
                await core.Summary.WriteAsync(a.Length > 1 && a[1].TryGetProperty("overwrite", out var o) && o.GetBoolean());
                return null;
            case "summaryClear": await core.Summary.ClearAsync(); return null;
            case "summary": Summary(core.Summary, a); return null;
            default: throw new InvalidOperationException("unknown op " + S(0));
        }
    }

    private static void Summary(JobSummary s, JsonElement[] a)
    {
        string S(int i) => a[i].GetString()!;
        string? Opt(int i) => a.Length > i ? a[i].GetString() : null;
        switch (S(1))
        {
            case "addHeading": s.AddHeading(S(2), a.Length > 3 ? a[3].GetInt32() : 1); break;
            case "addTable":
                s.AddTable(a[2].EnumerateArray().Select(row => row.EnumerateArray().Select(cell => cell.ValueKind == JsonValueKind.String
                    ? (SummaryCell)cell.GetString()!
                    : new SummaryCell(cell.GetProperty("data").GetString()!,
                        cell.TryGetProperty("header", out var h) && h.GetBoolean(),
                        cell.TryGetProperty("colspan", out var cs) ? cs.GetString() : null,
                        cell.TryGetProperty("rowspan", out var rs) ? rs.GetString() : null))));
                break;
            case "addCodeBlock": s.AddCodeBlock(S(2), Opt(3)); break;
            case "addList": s.AddList(a[2].EnumerateArray().Select(x => x.GetString()!), a.Length > 3 && a[3].GetBoolean()); break;
            case "addDetails": s.AddDetails(S(2), S(3)); break;
            case "addQuote": s.AddQuote(S(2), Opt(3)); break;
            case "addLink": s.AddLink(S(2), S(3)); break;
            case "addSeparator": s.AddSeparator(); break;
            case "addBreak": s.AddBreak(); break;
            case "addRaw": s.AddRaw(S(2), a.Length > 3 && a[3].GetBoolean()); break;
            default: throw new InvalidOperationException("unknown summary op " + S(1));
        }
    }

    private static object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.Number => e.GetInt32(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => e,
    };

    private static AnnotationProperties? Props(JsonElement[] a)
    {
        if (a.Length < 3) return null;
        var p = a[2];
        string? Str(string k) => p.TryGetProperty(k, out var v) ? v.GetString() : null;
        int? Int(string k) => p.TryGetProperty(k, out var v) ? v.GetInt32() : null;
        return new AnnotationProperties
        {
            Title = Str("title"), File = Str("file"), StartLine = Int("startLine"), EndLine = Int("endLine"),
            StartColumn = Int("startColumn"), EndColumn = Int("endColumn"),
        };
    }
}
