using System.Text.Json.Nodes;
using Ava.Compiler.Reporting;

namespace Ava.Compiler.Tests.Compile;

/// <summary>The one definition of what may differ between two reproducible builds: timing fields and the timings section.</summary>
public class ReportTimingsTests
{
    [Fact]
    public void Timing_fields_are_dropped_at_any_depth_and_nothing_else()
    {
        var report = JsonNode.Parse("""
            {"wallSeconds": 1.5, "name": "x", "stages": [{"name": "convert", "wallSeconds": 2, "peakMemoryBytes": 7, "tools": [{"command": "c", "wallSeconds": 1}]}],
             "quantization": {"seconds": 4.8, "weights": 3}, "validation": {"latency": {"fp32MedianMs": 9}, "meanCosine": 0.99}}
            """);
        var stripped = ReportTimings.Strip(report)!.ToJsonString();
        Assert.Equal("""{"name":"x","stages":[{"name":"convert","tools":[{"command":"c"}]}],"quantization":{"weights":3},"validation":{"meanCosine":0.99}}""", stripped);
        Assert.Contains("wallSeconds", report!.ToJsonString()); // the original is untouched
    }

    [Fact]
    public void The_markdown_timings_section_is_dropped_up_to_the_next_section()
    {
        const string md = "# r\n\nbody\n\n## Timings\n\n| stage | wall time |\n| a | 1.00 s |\n\n## Outputs\n\n- x\n";
        Assert.Equal("# r\n\nbody\n\n## Outputs\n\n- x\n", ReportTimings.Normalize("compile-report.md", md));
        Assert.Equal(md.Replace("## Timings", "## Timing notes"), ReportTimings.Normalize("r.md", md.Replace("## Timings", "## Timing notes")));
    }
}
