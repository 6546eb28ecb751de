using System.Text.Json.Nodes;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Verification;
using Json.Schema;

namespace Ava.Compiler.Tests.Verification;

public class VerificationReportTests
{
    internal static JsonSchema Schema => Schemas.VerificationReport;

    internal static EvaluationResults Validate(JsonNode node) =>
        Schema.Evaluate(System.Text.Json.JsonDocument.Parse(node.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static VerificationResult Mixed() => Verifier.Verify(
        new[] { "v022-android.tar", "v020-android.tar", "v022-android-appledouble.ALM", "v022-android-cpu.tar" }.Select(Fixtures.Tvm).ToList(),
        new VerifyOptions().WithBundle());

    [Fact]
    public void Reports_are_written_atomically_as_markdown_with_the_verdict_first_and_json_that_matches_the_schema()
    {
        using var dir = new TempDir();
        var (md, json) = VerificationReport.Write(Mixed(), dir["out"]);
        Assert.Equal(["verification-report.json", "verification-report.md"], Directory.GetFiles(dir["out"]).Select(Path.GetFileName).Order());

        var text = File.ReadAllText(md);
        Assert.StartsWith("# alc verify: ❌ REJECTED", text);
        Assert.Contains("Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)", text);
        Assert.Contains("  - help: Compile the model with TVM v0.22.0", text);
        Assert.Contains("AppleDouble", text);

        var node = JsonNode.Parse(File.ReadAllText(json))!;
        var eval = Validate(node);
        Assert.True(eval.IsValid, string.Join("\n", (eval.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        Assert.Equal("rejected", node["verdict"]!.GetValue<string>());
        Assert.Equal("old-api", node["libraries"]![1]!["problems"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("host", node["libraries"]![0]!["objects"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public void An_accepted_report_matches_the_schema_too()
    {
        var r = Verifier.Verify([Fixtures.Tvm("v022-android.tar")], new VerifyOptions());
        Assert.True(Validate(JsonNode.Parse(VerificationReport.ToJson(r))!).IsValid);
        Assert.StartsWith("# alc verify: ✅ ACCEPTED", VerificationReport.ToMarkdown(r));
    }

    [Fact]
    public void The_schema_rejects_a_report_with_an_unknown_problem_code()
    {
        var node = JsonNode.Parse(VerificationReport.ToJson(Mixed()))!;
        node["libraries"]![1]!["problems"]![0]!["code"] = "made-up";
        Assert.False(Validate(node).IsValid);
    }

    [Fact]
    public void A_paired_loose_library_with_its_notes_matches_the_schema_and_the_markdown_shows_the_notes()
    {
        var r = Verifier.Verify([RealTvmFixtures.File("android-opencl/lib0.o"), RealTvmFixtures.File("android-opencl/tiny_q4f16_1_devc.o"),
            RealTvmFixtures.File("android-opencl/lib0.o")], new VerifyOptions());
        var node = JsonNode.Parse(VerificationReport.ToJson(r))!;
        Assert.True(Validate(node).IsValid);
        Assert.Equal(2, node["libraries"]![0]!["notes"]!.AsArray().Count);
        Assert.Equal(3, node["libraries"]![0]!["inputs"]!.AsArray().Count);
        var md = VerificationReport.ToMarkdown(r);
        Assert.Contains("- note: ", md);
        Assert.Contains("checked as one library", md);
        node["libraries"]![0]!["inputs"] = new JsonArray("lib0.o");
        Assert.False(Validate(node).IsValid); // one argument is not a pairing
    }
}
