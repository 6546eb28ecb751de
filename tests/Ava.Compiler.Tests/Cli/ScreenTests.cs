using System.Formats.Tar;
using System.IO.Compression;
using Ava.Cli.CommandLine;
using Ava.Cli.Rendering;
using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Tests.Toolchain;
using Spectre.Console;

namespace Ava.Compiler.Tests.Cli;

/// <summary>
/// The screens a person reads, captured at 80 columns on a terminal and redirected (a pipe, a CI log): commands,
/// paths and the US-2 sentence are never split by a newline, and the verdict leads with the US-2 sentence.
/// </summary>
public class ScreenTests
{
    private const string Us2 = "Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)";

    /// <summary>80 columns on a terminal, then redirected.</summary>
    public static readonly int?[] Widths = [80, null];

    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n');

    /// <summary>The text appears whole on one line (no newline inside it).</summary>
    private static void OnOneLine(string text, string screen) =>
        Assert.True(Lines(screen).Any(l => l.Contains(text, StringComparison.Ordinal)), $"'{text}' is not on one line of:\n{screen}");

    public static TheoryData<string, string, int?> OldApiFixtures()
    {
        var data = new TheoryData<string, string, int?>();
        foreach (var w in Widths)
        {
            data.Add("v020-android.tar", "android-arm64", w);
            data.Add("libmodel_android-old.a", "android-arm64", w);
            data.Add("v020-dso-android.so", "android-arm64", w);
            data.Add("v020-macos-arm64.tar", "macos-arm64", w);
            data.Add("devc-first", "android-arm64", w);
        }
        return data;
    }

    /// <summary>v020-android.tar with its members in the other order: the devc object (old blob names) comes first.</summary>
    private static string DevcFirst(TempDir dir)
    {
        var members = new List<(string Name, byte[] Data)>();
        using (var gz = new GZipStream(File.OpenRead(Fixtures.Tvm("v020-android.tar")), CompressionMode.Decompress))
        using (var reader = new TarReader(gz))
            while (reader.GetNextEntry() is { } e)
            {
                var ms = new MemoryStream();
                e.DataStream?.CopyTo(ms);
                members.Add((e.Name, ms.ToArray()));
            }
        Assert.Equal(["lib0.o", "gemma_q4f16_1_devc.o"], members.Select(m => m.Name));
        var path = dir["devc-first.tar"];
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Ustar);
        foreach (var (name, data) in members.AsEnumerable().Reverse())
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return path;
    }

    [Theory]
    [MemberData(nameof(OldApiFixtures))]
    public async Task The_US2_sentence_is_the_first_error_line_whole_with_one_fix_per_library(string fixture, string target, int? width)
    {
        using var dir = new TempDir();
        var path = fixture == "devc-first" ? DevcFirst(dir) : Fixtures.Tvm(fixture);
        var r = await AlcRun.RunAsync(dir.Path, null, width, "verify", path, "--target", target);
        Assert.Equal(1, r.ExitCode);
        var errors = Lines(r.StdErr).Where(l => l.StartsWith("error", StringComparison.Ordinal)).ToList();
        Assert.Equal("error[old-api]: " + Us2, errors[0]);
        Assert.Single(Lines(r.StdErr), l => l.TrimStart().StartsWith("= help:", StringComparison.Ordinal));
        OnOneLine(path, r.StdErr);
        OnOneLine("'alc doctor'", r.StdErr);
        if (width is { } w)
            foreach (var l in Lines(r.StdErr).Where(l => l.TrimStart().StartsWith("= note:", StringComparison.Ordinal)))
                Assert.True(l.Length <= w || !l.Trim().Contains(' '), $"prose note not wrapped at {w}: {l}");
    }

    [Fact]
    public async Task The_markdown_report_and_the_json_lead_with_the_US2_sentence_for_a_devc_first_archive()
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync(dir.Path, null, (int?)null, "verify", DevcFirst(dir), "--report", "out", "--json");
        Assert.Equal(1, r.ExitCode);
        var md = Lines(File.ReadAllText(dir["out/verification-report.md"]));
        var firstError = md.First(l => l.StartsWith("- **error**", StringComparison.Ordinal));
        Assert.Contains("TVMFuncCall", firstError);
        Assert.Single(md, l => l.StartsWith("  - help:", StringComparison.Ordinal));
        using var json = r.Json();
        var first = json.RootElement.GetProperty("libraries")[0].GetProperty("problems")[0];
        Assert.Equal(Us2, first.GetProperty("headline").GetString());
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task An_accepted_library_prints_its_verdict_and_path_whole(int? width)
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync(dir.Path, null, width, "verify", Fixtures.Tvm("v022-android.tar"));
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("error", r.StdErr);
        OnOneLine("accepted " + Fixtures.Tvm("v022-android.tar"), r.StdErr);
        Assert.Contains("ACCEPTED: 1 of 1 library accepted", r.StdErr);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task An_x86_64_library_is_told_to_rebuild_for_Android_not_to_change_target(int? width)
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync(dir.Path, null, width, "verify", Fixtures.Tvm("v022-linux-x64.tar"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Android x86_64 is not a target AVA ships", r.StdErr);
        OnOneLine("'mlc_llm compile --device android'", r.StdErr);
        Assert.DoesNotContain("pass the --target", r.StdErr);
        Assert.Single(Lines(r.StdErr), l => l.TrimStart().StartsWith("= help:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task A_failing_doctor_prints_one_marked_line_per_check_and_each_fix_command_whole(int? width)
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.15.post2");
        var r = await AlcRun.RunAsync(tc.Root, tc.Environment, width, "doctor");
        Assert.Equal(3, r.ExitCode);
        var lines = Lines(r.StdErr);
        Assert.All(lines.Where(l => l.StartsWith('[')), l => Assert.Matches(@"^\[(✓|!|✗|-)\] ", l));
        Assert.Single(lines, l => l.StartsWith("[✗] ", StringComparison.Ordinal));
        // The fix's commands, each on a line of its own, as a person pastes them.
        Assert.Contains(lines, l => l.Trim() == $"{tc.Python} -m pip uninstall -y apache-tvm-ffi");
        Assert.Contains(lines, l => l.Trim().StartsWith($"{tc.Python} -m pip install --no-deps --force-reinstall ", StringComparison.Ordinal));
        Assert.Contains("    alc toolchain setup", lines);
        Assert.Matches(@"1 required check\(s\) failed\. One command fixes everything \(builds TVM and MLC-LLM from source: about an hour",
            string.Join(" ", lines.Select(l => l.Trim())));
        if (width is { } w)
            Assert.All(lines.Where(l => l.Trim().Contains(' ') && !l.Trim().StartsWith(tc.Python, StringComparison.Ordinal) && !l.StartsWith('[')),
                l => Assert.True(l.Length <= w, $"prose longer than {w}: {l}"));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task A_passing_doctor_ends_with_no_issues(int? width)
    {
        using var tc = new FakeToolchain();
        var r = await AlcRun.RunAsync(tc.Root, tc.Environment, width, "doctor");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("[✓] ", r.StdErr);
        Assert.DoesNotContain("[✗]", r.StdErr);
        Assert.Contains("No issues found", r.StdErr);
        OnOneLine(tc.Python, r.StdErr);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public async Task The_compile_gate_prints_the_failed_checks_as_doctor_does_not_a_paragraph(int? width)
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.15.post2");
        var r = await AlcRun.RunAsync(tc.Root, tc.Environment, width, "compile", "gemma3-1b", "--recipes", RepoPaths.Combine("recipes"));
        Assert.Equal(3, r.ExitCode);
        var lines = Lines(r.StdErr);
        Assert.StartsWith("error: the toolchain is not ready", lines.First(l => l.StartsWith("error", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.StartsWith("[✗] ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("[✓] ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == $"{tc.Python} -m pip uninstall -y apache-tvm-ffi");
        Assert.Contains("    alc toolchain setup", lines);
    }

    /// <summary>
    /// Fix texts as the doctor's checks write them (PythonPackagesCheck.Install with two index groups; Fixes' TVM build
    /// fix), rendered for the CLI: a command quoting its own arguments, and commands inside parentheses.
    /// </summary>
    private const string PipFix =
        "Install into the toolchain's interpreter: '/root/.pyenv/shims/python3 -m pip install 'ml_dtypes>=0.5.1' 'psutil' && " +
        "/root/.pyenv/shims/python3 -m pip install --index-url https://download.pytorch.org/whl/cpu 'torch'' " +
        "(the list and the reasons: 'alc toolchain requirements'), or run 'alc toolchain setup' to build the locked toolchain.";

    private const string CmakeFix =
        "Build libtvm and libtvm_runtime ('cmake --build /opt/tvm/build --parallel') or pass the folder that holds them as the TVM build folder " +
        "(--tvm-build) (or TVM_LIBRARY_PATH), or run 'alc toolchain setup' to build the locked toolchain.";

    private static string[] Fix(string fix, int? width)
    {
        var err = new StringWriter();
        DoctorView.RenderFix(new Screen(err, width, color: false), fix, "    ");
        return Lines(err.ToString().TrimEnd('\n', '\r'));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public void A_fix_command_that_quotes_its_own_arguments_is_one_whole_unwrapped_line(int? width)
    {
        var lines = Fix(PipFix, width);
        Assert.Contains("      /root/.pyenv/shims/python3 -m pip install 'ml_dtypes>=0.5.1' 'psutil'", lines);
        Assert.Contains("      /root/.pyenv/shims/python3 -m pip install --index-url https://download.pytorch.org/whl/cpu 'torch'", lines);
        Assert.Contains("      alc toolchain requirements", lines);
        Assert.Equal("    Install into the toolchain's interpreter:", lines[0]);
        Assert.Contains("    The list and the reasons:", lines);
        Assert.DoesNotContain(lines, l => l.Trim() is "(" or ")" || l.TrimStart().StartsWith(')') || l.TrimEnd().EndsWith('('));
        Assert.DoesNotContain(lines, l => l.Contains("toolchain setup", StringComparison.Ordinal));
        if (width is null)
            Assert.Equal(
            [
                "    Install into the toolchain's interpreter:",
                "      /root/.pyenv/shims/python3 -m pip install 'ml_dtypes>=0.5.1' 'psutil'",
                "      /root/.pyenv/shims/python3 -m pip install --index-url https://download.pytorch.org/whl/cpu 'torch'",
                "    The list and the reasons:",
                "      alc toolchain requirements",
            ], lines);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(null)]
    public void A_fix_command_inside_parentheses_leaves_no_lone_parenthesis_and_the_prose_reads_on(int? width)
    {
        var lines = Fix(CmakeFix, width);
        Assert.Equal("    Build libtvm and libtvm_runtime:", lines[0]);
        Assert.Equal("      cmake --build /opt/tvm/build --parallel", lines[1]);
        Assert.DoesNotContain(lines, l => l.Trim() is "(" or ")" || l.TrimStart().StartsWith(')') || l.TrimEnd().EndsWith('('));
        var prose = string.Join(" ", lines.Skip(2).Select(l => l.Trim()));
        Assert.Equal("or pass the folder that holds them as the TVM build folder (--tvm-build) (or TVM_LIBRARY_PATH).", prose);
        if (width is { } w) Assert.All(lines.Skip(2), l => Assert.True(l.Length <= w, $"prose longer than {w}: {l}"));
        else Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Prose_wraps_at_spaces_on_a_terminal_and_never_inside_a_quoted_command()
    {
        var text = "Point alc at the build, then run 'alc compile gemma3-4b --target android --source ./a/very/long/path/to/the/model' and check it with 'alc doctor'.";
        var wrapped = Screen.Wrap("  = help: ", text, 40).ToList();
        Assert.True(wrapped.Count > 2);
        Assert.Contains(wrapped, l => l.Contains("'alc compile gemma3-4b --target android --source ./a/very/long/path/to/the/model'"));
        Assert.Contains(wrapped, l => l.Contains("'alc doctor'."));
        Assert.All(wrapped.Skip(1), l => Assert.StartsWith("          ", l));
        Assert.Single(Screen.Wrap("  = help: ", text, null));
    }

    [Fact]
    public void A_redirected_console_never_hard_wraps_even_a_very_long_line()
    {
        var err = new StringWriter();
        var env = new Dictionary<string, string> { ["COLUMNS"] = "250", ["NO_COLOR"] = "1" };
        var context = new CliContext(new StringWriter(), err, env, Path.GetTempPath());
        var line = "error: " + Us2 + " " + string.Join(" ", Enumerable.Repeat("/root/.pyenv/shims/python3 --device android", 10));
        context.Human.WriteLine(line);
        Assert.Equal(line, err.ToString().TrimEnd('\n', '\r'));
        Assert.Null(context.TerminalWidth);

        // A terminal of 80 columns does wrap Spectre's output: the check above would catch a regression.
        var term = new StringWriter();
        new CliContext(new StringWriter(), term, env, Path.GetTempPath(), terminalWidth: 80).Human.WriteLine(line);
        Assert.NotEqual(line, term.ToString().TrimEnd('\n', '\r'));
    }
}

public class CompilePlanTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Plan_of_an_onnx_recipe_runs_nothing_and_writes_nothing(bool json)
    {
        using var dir = new TempDir();
        string[] args = ["compile", "minilm-384", "--plan", "--recipes", RepoPaths.Combine("recipes")];
        var r = await AlcRun.RunAsync(dir.Path, null, (int?)null, json ? [.. args, "--json"] : args);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.False(Directory.Exists(dir["dist"]), "dist/ was written by --plan");
        Assert.False(Directory.Exists(dir["registry"]), "registry/ was written by --plan");
        Assert.False(Directory.Exists(dir["build"]), "build/ was written by --plan");
        var text = json ? r.StdOut : r.StdErr;
        Assert.Contains("AVA-384-Base-INT8.AON", text);
        Assert.Contains("aon-quantize", text);
    }
}

public class HelpConventionTests
{
    [Fact]
    public async Task Help_goes_to_stdout_and_a_usage_error_to_stderr()
    {
        var help = await AlcRun.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: alc <command>", help.StdOut);
        Assert.Equal("", help.StdErr);

        var none = await AlcRun.RunAsync();
        Assert.Equal(2, none.ExitCode);
        Assert.Equal("", none.StdOut);
        Assert.Contains("Usage: alc <command>", none.StdErr);
    }

    [Fact]
    public async Task Help_of_a_command_names_its_values_and_the_environment_it_reads()
    {
        var r = await AlcRun.RunAsync("help", "compile");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Build a model from its recipe", r.StdOut);
        Assert.Contains("One of: android, android-arm64.", r.StdOut);
        foreach (var v in new[] { "HF_TOKEN", "HF_HOME", "HF_HUB_CACHE", "ALC_PYTHON", "ALC_RECIPES" }) Assert.Contains(v, r.StdOut);
        Assert.Equal(r.StdOut, (await AlcRun.RunAsync("compile", "--help")).StdOut);
        Assert.Contains("One of: android-arm64, macos-arm64, macos-x64, linux-x64.", (await AlcRun.RunAsync("help", "verify")).StdOut);
    }

    [Fact]
    public async Task A_value_outside_an_options_list_is_refused_with_the_list()
    {
        var r = await AlcRun.RunAsync("verify", Fixtures.Tvm("v022-android.tar"), "--target", "android-x86_64");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: Unknown target 'android-x86_64' for 'alc verify'.", r.StdErr);
        Assert.Contains("android-arm64, macos-arm64, macos-x64, linux-x64", r.StdErr);
    }

    [Fact]
    public async Task The_bash_completion_script_completes_commands_and_option_values_in_a_real_bash()
    {
        using var dir = new TempDir();
        var r = await AlcRun.RunAsync("completion", "bash");
        Assert.Equal(0, r.ExitCode);
        File.WriteAllText(dir["alc.bash"], r.StdOut);
        async Task<string> Complete(string words, int cword)
        {
            var script = $"source {dir["alc.bash"]}; COMP_WORDS=({words}); COMP_CWORD={cword}; _alc; echo \"${{COMPREPLY[*]}}\"";
            var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stdout = await p.StandardOutput.ReadToEndAsync();
            var stderr = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, stderr);
            return stdout.Trim();
        }
        Assert.Equal("android android-arm64", await Complete("alc compile --target ''", 3));
        Assert.Contains("compile", (await Complete("alc co ''", 1)).Split(' '));
        Assert.Equal("ab app-config", await Complete("alc registry a", 2));
        Assert.Contains("--bundle", (await Complete("alc verify x.tar --b", 3)).Split(' '));
        Assert.Equal(2, (await AlcRun.RunAsync("completion", "powershell")).ExitCode);
    }
}

public class EnumOptionTests
{
    /// <summary>Every option and argument with a fixed set of values, in every command.</summary>
    public static TheoryData<string, string> EnumOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Ava.Cli.AlcApp.Commands)
        {
            foreach (var o in c.Spec.Options.Where(o => o.AllowedValues is not null)) data.Add(c.Spec.Name, o.Name);
            foreach (var p in c.Spec.Positionals.Where(p => p.AllowedValues is not null)) data.Add(c.Spec.Name, p.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EnumOptions))]
    public async Task Help_lists_the_allowed_values_and_any_other_value_is_refused_with_the_list(string command, string option)
    {
        var spec = Ava.Cli.AlcApp.Commands.Single(c => c.Spec.Name == command).Spec;
        var values = spec.Options.FirstOrDefault(o => o.Name == option)?.AllowedValues ?? spec.Positionals.Single(p => p.Name == option).AllowedValues!;
        string[] words = [.. command.Split(' ')];

        var help = await AlcRun.RunAsync(["help", .. words]);
        Assert.Contains($"One of: {string.Join(", ", values)}.", help.StdOut);

        // The other required arguments get placeholders, so only the bad value can be what is refused.
        var positionals = spec.Positionals.Where(p => p.Required).Select(p => p.Name == option ? "no-such-value" : "placeholder").ToList();
        string[] args = option.StartsWith("--", StringComparison.Ordinal)
            ? [.. words, .. positionals, option, "no-such-value"]
            : [.. words, .. positionals];
        using var dir = new TempDir();
        var bad = await AlcRun.RunAsync(dir.Path, null, args);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'no-such-value'", bad.StdErr);
        Assert.Contains(string.Join(", ", values), bad.StdErr.Replace("\n", " "));
    }

    [Fact]
    public void Every_option_with_a_fixed_set_of_values_declares_it()
    {
        var declared = EnumOptions().Select(row => $"{row[0]} {row[1]}").ToHashSet();
        foreach (var expected in new[]
                 {
                     "compile --target", "verify --target", "registry ab create --status", "toolchain requirements --group",
                     "toolchain requirements --os", "toolchain setup --only", "completion shell",
                 })
            Assert.Contains(expected, declared);
        var status = Ava.Cli.AlcApp.Commands.Single(c => c.Spec.Name == "registry ab create").Spec.Options.Single(o => o.Name == "--status");
        Assert.Equal(Enum.GetNames<Ava.Compiler.Registry.AbStatus>().Select(n => n.ToLowerInvariant()), status.AllowedValues);
    }
}
