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
                    return screen.Replace("\r", "").Split('\n').Select(l => l.TrimEnd()).ToArray();
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
