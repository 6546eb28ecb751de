using Ava.Compiler.Tests.Infrastructure;
using Ava.Compiler.Tests.Toolchain;

namespace Ava.Compiler.Tests.Cli;

/// <summary>
/// What a person sees: the real alc runs in a real terminal (tmux, 80×50, its own server socket) and the screen is read
/// back with capture-pane. <c>-J</c> joins the lines the terminal itself wrapped, so a command or path that appears
/// whole in the capture was never split by a newline from alc; a soft wrap (the terminal's) is what a person copies
/// whole. scripts/install-test-deps installs tmux.
/// </summary>
public sealed class TerminalTests
{
    private static readonly string Alc = Path.Combine(AppContext.BaseDirectory, "alc.dll");

    /// <summary>Runs <paramref name="command"/> in a fresh 80-column tmux session and returns the joined screen and scrollback.</summary>
    private static async Task<string[]> ScreenOf(TempDir dir, IReadOnlyDictionary<string, string> env, string command)
    {
        var (which, _, _) = Programs.Run("bash", "-c", "command -v tmux");
        Assert.True(which == 0, "tmux is missing: run scripts/install-test-deps");
        var exports = string.Join("\n", env.Select(kv => $"export {kv.Key}='{kv.Value.Replace("'", "'\\''")}'"));
        dir.Write("bin/alc", $"#!/usr/bin/env bash\nexec dotnet '{Alc}' \"$@\"\n");
        File.SetUnixFileMode(dir["bin/alc"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.Write("run.sh", $"{exports}\nexport PATH='{dir["bin"]}':\"$PATH\"\ncd '{dir.Path}'\nclear\n{command}\necho \"__EXIT__ $?\"\n");
        var socket = dir["tmux.sock"];
        try
        {
            Programs.Ok("tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "50", "-s", "alc", "bash --norc --noprofile");
            Programs.Ok("tmux", "-S", socket, "send-keys", "-t", "alc", $"bash '{dir["run.sh"]}'", "Enter");
            for (var i = 0; i < 600; i++)
            {
                var screen = Programs.Ok("tmux", "-S", socket, "capture-pane", "-p", "-J", "-S", "-", "-t", "alc");
                if (screen.Contains("__EXIT__ ", StringComparison.Ordinal))
                {
                    var lines = screen.Replace("\r", "").Split('\n').Select(l => l.TrimEnd()).ToArray();
                    Keep(command, lines);
                    return lines;
                }
                await Task.Delay(200);
            }
            Assert.Fail("alc did not finish in the terminal within 2 minutes:\n" + Programs.Run("tmux", "-S", socket, "capture-pane", "-p", "-t", "alc").StdOut);
            return [];
        }
        finally
        {
            Programs.Run("tmux", "-S", socket, "kill-server");
        }
    }

    /// <summary>
    /// With ALC_SCREENS_DIR set, each capture is also written there (the README's screens are pasted from these files),
    /// under the command's words.
    /// </summary>
    private static void Keep(string command, string[] lines)
    {
        if (Environment.GetEnvironmentVariable("ALC_SCREENS_DIR") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        var name = string.Concat(command.Split(' ').Take(3).Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()) + "-")).TrimEnd('-');
        var shown = lines.SkipWhile(l => l.Length == 0).TakeWhile(l => !l.StartsWith("__EXIT__", StringComparison.Ordinal));
        File.WriteAllLines(Path.Combine(dir, $"{name}-{lines.First(l => l.StartsWith("__EXIT__", StringComparison.Ordinal))[9..]}.txt"), shown);
    }

    [Fact]
    public async Task A_passing_doctor_shows_a_mark_per_check_and_no_issues_in_an_80_column_terminal()
    {
        using var tc = new FakeToolchain();
        using var dir = new TempDir("tmux");
        var env = new Dictionary<string, string>(tc.Environment) { ["HOME"] = tc.Root };

        var screen = await ScreenOf(dir, env, "alc doctor");

        Assert.Contains("__EXIT__ 0", screen);
        Assert.All(screen.Where(l => l.StartsWith('[')), l => Assert.Matches(@"^\[(✓|!|-)\] ", l));
        Assert.Contains(screen, l => l.StartsWith("[✓] tvm-ffi package: ", StringComparison.Ordinal));
        Assert.Contains(screen, l => l.Contains("No issues found", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gemma_q4f16_1-tvm-v0.20-android.tar", 1)]
    [InlineData("gemma2_q4f16_1-tvm-v0.22-android.tar", 0)]
    public async Task Verify_leads_with_its_verdict_and_keeps_the_US2_sentence_and_paths_whole_in_an_80_column_terminal(string sample, int exit)
    {
        using var dir = new TempDir("tmux");
        var path = RepoPaths.Combine("samples", sample);

        var screen = await ScreenOf(dir, new Dictionary<string, string> { ["HOME"] = dir.Path }, $"alc verify '{path}'");

        Assert.Contains($"__EXIT__ {exit}", screen);
        if (exit == 1)
        {
            Assert.Equal("error[old-api]: Model uses old TVM API (TVMFuncCall). Expected new FFI API (TVMFFIFunctionCall)",
                screen.First(l => l.StartsWith("error", StringComparison.Ordinal)));
            Assert.Single(screen, l => l.TrimStart().StartsWith("= help:", StringComparison.Ordinal));
        }
        else Assert.Contains(screen, l => l.Contains("accepted " + path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_doctor_shows_its_marks_and_whole_fix_commands_in_an_80_column_terminal()
    {
        using var tc = new FakeToolchain();
        tc.SetTvmFfi("0.1.15.post2");
        using var dir = new TempDir("tmux");
        var env = new Dictionary<string, string>(tc.Environment) { ["HOME"] = tc.Root };

        var screen = await ScreenOf(dir, env, "alc doctor");

        Assert.Contains("__EXIT__ 3", screen);
        Assert.Contains(screen, l => l.StartsWith("[✓] ", StringComparison.Ordinal));
        Assert.Single(screen, l => l.StartsWith("[✗] ", StringComparison.Ordinal));
        Assert.Contains(screen, l => l.Trim() == $"{tc.Python} -m pip uninstall -y apache-tvm-ffi");
        Assert.Contains(screen, l => l.Trim().StartsWith($"{tc.Python} -m pip install --no-deps --force-reinstall ", StringComparison.Ordinal));
        Assert.Contains("    alc toolchain setup", screen);
        // Prose is wrapped by alc at 80 columns, so no line of it needed the terminal's soft wrap.
        Assert.All(screen.Where(l => l.Trim().Contains(' ') && !l.Trim().StartsWith(tc.Python, StringComparison.Ordinal) && !l.StartsWith('[')),
            l => Assert.True(l.Length <= 80, $"longer than the terminal: {l}"));
    }

    [Fact]
    public async Task The_plan_shows_whole_commands_and_every_file_under_its_AVA_name_in_an_80_column_terminal()
    {
        using var dir = new TempDir("tmux");
        var env = new Dictionary<string, string> { ["HOME"] = dir.Path, ["ALC_PYTHON"] = "/usr/bin/python3" };

        var screen = await ScreenOf(dir, env, $"alc compile gemma3-1b --plan --recipes '{RepoPaths.Combine("recipes")}'");

        Assert.Contains("__EXIT__ 0", screen);
        Assert.Contains(screen, l => l.StartsWith("AVA-GE3-1B16 = gemma3-1b q4f16_1", StringComparison.Ordinal));
        Assert.Contains(screen, l => l.StartsWith("source: google/gemma-3-1b-it@main", StringComparison.Ordinal));
        var compile = Assert.Single(screen, l => l.Contains(" -m mlc_llm compile ", StringComparison.Ordinal));
        Assert.StartsWith("    /usr/bin/python3 -m mlc_llm compile ", compile);
        Assert.EndsWith($"--output {dir["build/AVA-GE3-1B16/stages/compile/gemma3_text_q4f16_1-android.tar"]}", compile);
        Assert.Contains("--device android --system-lib-prefix gemma3_text_q4f16_1_", compile);
        var model = dir["dist/models/llm/AVA-GE3-1B16"];
        foreach (var file in new[] { Path.Combine(model, "AVALibrary.ADco"), Path.Combine(model, "AVA-GE3-1B16.ADco"), dir["dist/AVA-GE3-1B16.ALM"] })
            Assert.Contains("    " + file, screen);
        // Prose is wrapped by alc; only a command, a path or an environment value may need the terminal's soft wrap.
        Assert.All(screen.Where(l => l.Length > 80), l => Assert.Matches(@"^(    /|  [A-Z_]+=|  \{|\S+$)", l));
        Assert.False(Directory.Exists(dir["build"]), "--plan wrote build/");
    }
}
