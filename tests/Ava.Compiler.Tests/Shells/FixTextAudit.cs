using System.Text;
using System.Text.RegularExpressions;
using Ava.Action;
using Ava.Cli;
using Ava.Cli.CommandLine;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Ava.Compiler.Tests.Shells;

/// <summary>
/// Holds the core's texts against the options the shells really have: the CLI's from its command definitions, the
/// Action's from action.yml. The core describes a remedy by its input and marks it (<see cref="Remedy"/>); only an
/// external tool's own command may carry a <c>--flag</c>.
/// </summary>
public static partial class FixTextAudit
{
    /// <summary>
    /// Flags of the external tools the core writes commands for, each with its tool (the argv builders:
    /// Toolchain/Mlc/MlcCommands, Toolchain/Setup/SetupPlan, Verification/Linking/LinkProof, the doctor's fixes).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ToolFlags = new Dictionary<string, string[]>
    {
        ["mlc_llm"] = ["--quantization", "--model-type", "--device", "--system-lib-prefix", "--output", "--conv-template", "--context-window-size",
            "--sliding-window-size", "--prefill-chunk-size", "--max-batch-size", "--source-format", "--help"],
        ["git"] = ["--init", "--recursive", "--force", "--detach", "--no-checkout"],
        ["pip"] = ["--index-url", "--no-deps", "--force-reinstall", "--upgrade", "--editable"],
        ["cmake"] = ["--build", "--parallel", "--target"],
        ["llvm-config"] = ["--version", "--targets-built", "--link-static", "--ignore-libllvm"],
        ["ld.lld"] = ["--no-undefined", "--whole-archive", "--no-whole-archive", "--error-limit", "--build-id"],
        ["llvm-ar"] = ["--thin"],
        ["sdkmanager"] = ["--sdk_root", "--install"],
        ["xcode-select"] = ["--install"],
        ["curl"] = ["--retry"],
        ["dotnet nuget"] = ["--clear"],
    };

    /// <summary>Every option of every alc command (the command definitions, not a copy of them).</summary>
    public static IReadOnlySet<string> CliOptions(IEnumerable<CommandSpec> commands) =>
        commands.SelectMany(c => c.AllOptions.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The inputs action.yml declares.</summary>
    public static IReadOnlySet<string> ActionYmlInputs(string actionYml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(actionYml))) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var inputs = (YamlMappingNode)root.Children[new YamlScalarNode("inputs")];
        return inputs.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Options of the CLI table that no command has, and inputs the table does not spell at all.</summary>
    public static IReadOnlyList<string> CheckCliTable(IReadOnlyDictionary<UserInput, IReadOnlyList<string>> table, IEnumerable<CommandSpec> commands)
    {
        var options = CliOptions(commands);
        var bad = new List<string>();
        foreach (var input in Enum.GetValues<UserInput>())
            if (!table.TryGetValue(input, out var names) || names.Count == 0) bad.Add($"{input}: no option");
            else bad.AddRange(names.Where(n => !options.Contains(n)).Select(n => $"{input}: {n} is no option of any alc command"));
        return bad;
    }

    /// <summary>Inputs of the Action table that action.yml does not declare.</summary>
    public static IReadOnlyList<string> CheckActionTable(IReadOnlyDictionary<UserInput, string> table, IReadOnlySet<string> actionInputs) =>
        table.Where(kv => !actionInputs.Contains(kv.Value)).Select(kv => $"{kv.Key}: '{kv.Value}' is not an input of action.yml").ToList();

    /// <summary>
    /// The <c>--flags</c> of one core text that no shell may be told about: an alc option (the core never spells a
    /// shell's option), or a flag no tool has (<c>--source-dir</c>). A flag is fine as an argv element of its own or
    /// after the name of the external tool that has it.
    /// </summary>
    public static IReadOnlyList<string> CheckText(string text, IReadOnlySet<string> cliOptions)
    {
        var bad = new List<string>();
        if (Flag().IsMatch(text) && Flag().Match(text).Value == text.Trim()) return bad; // an argv element
        foreach (Match m in Flag().Matches(text))
        {
            var flag = m.Value;
            var before = text[..m.Index];
            // The nearest tool named before the flag in the same text decides whose flag it is.
            var tool = ToolFlags.Keys.Select(t => (Tool: t, At: before.LastIndexOf(t, StringComparison.Ordinal))).Where(x => x.At >= 0)
                .OrderByDescending(x => x.At).Select(x => x.Tool).FirstOrDefault();
            var alcAt = Math.Max(before.LastIndexOf("'alc ", StringComparison.Ordinal), before.LastIndexOf("`alc ", StringComparison.Ordinal));
            var toolAt = tool is null ? -1 : before.LastIndexOf(tool, StringComparison.Ordinal);
            if (tool is not null && toolAt > alcAt && ToolFlags[tool].Contains(flag)) continue;
            // A flag only a tool has, outside an alc command, is that tool's (an argv fragment: "--index-url {} ").
            if (!cliOptions.Contains(flag) && alcAt < 0 && ToolFlags.Values.Any(f => f.Contains(flag))) continue;
            bad.Add(cliOptions.Contains(flag) ? $"{flag} (an alc option: describe the input and mark it with Remedy.Of)" : $"{flag} (no shell or tool has it)");
        }
        return bad;
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9_-]*")]
    private static partial Regex Flag();

    /// <summary>The text of every string literal in a C# source (interpolation holes as {}), with its line.</summary>
    public static IEnumerable<(int Line, string Text)> Literals(string source)
    {
        var found = new List<(int, string)>();
        var i = 0;
        Lex(source, ref i, found, stopAtBrace: false);
        return found;
    }

    private static void Lex(string s, ref int i, List<(int, string)> found, bool stopAtBrace)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/') { while (i < s.Length && s[i] != '\n') i++; continue; }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '*') { var e = s.IndexOf("*/", i + 2, StringComparison.Ordinal); i = e < 0 ? s.Length : e + 2; continue; }
            if (c == '\'') { i++; while (i < s.Length && s[i] != '\'') { if (s[i] == '\\') i++; i++; } i++; continue; }
            if (stopAtBrace)
            {
                if (c == '{') depth++;
                if (c == '}') { if (depth == 0) return; depth--; }
            }
            if (c is '"' or '$' or '@')
            {
                var start = i;
                bool interp = false, verbatim = false;
                while (i < s.Length && s[i] is '$' or '@') { interp |= s[i] == '$'; verbatim |= s[i] == '@'; i++; }
                if (i >= s.Length || s[i] != '"') { i = start + 1; continue; }
                var line = s[..start].Count(ch => ch == '\n') + 1;
                found.Add((line, ReadString(s, ref i, interp, verbatim, found)));
                continue;
            }
            i++;
        }
    }

    private static string ReadString(string s, ref int i, bool interp, bool verbatim, List<(int, string)> found)
    {
        var sb = new StringBuilder();
        var quotes = 0;
        while (i < s.Length && s[i] == '"') { quotes++; i++; }
        if (quotes == 2) return ""; // ""
        var raw = quotes >= 3;
        var close = new string('"', raw ? quotes : 1);
        while (i < s.Length)
        {
            if (s.AsSpan(i).StartsWith(close))
            {
                if (!raw && verbatim && i + 1 < s.Length && s[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                i += close.Length;
                return sb.ToString();
            }
            var c = s[i];
            if (!raw && !verbatim && c == '\\') { sb.Append(s[i + 1] == 'n' ? '\n' : s[i + 1]); i += 2; continue; }
            if (interp && c == '{')
            {
                if (i + 1 < s.Length && s[i + 1] == '{' && !raw) { sb.Append('{'); i += 2; continue; }
                i++;
                Lex(s, ref i, found, stopAtBrace: true); // strings inside a hole are literals of their own
                i++;
                sb.Append("{}");
                continue;
            }
            if (interp && c == '}' && i + 1 < s.Length && s[i + 1] == '}' && !raw) { sb.Append('}'); i += 2; continue; }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>Every literal of the core (src/Ava.Compiler) with a flag no shell may be told about.</summary>
    public static IReadOnlyList<string> CheckCore(IReadOnlySet<string> cliOptions)
    {
        var bad = new List<string>();
        var core = Path.Combine(RepoPaths.Root, "src", "Ava.Compiler");
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).Order())
        {
            var rel = Path.GetRelativePath(core, file);
            foreach (var (line, text) in Literals(File.ReadAllText(file)))
            foreach (var b in CheckText(text, cliOptions))
                bad.Add($"{rel}:{line}: {b}: \"{text}\"");
        }
        return bad;
    }

    public static IEnumerable<CommandSpec> Commands => AlcApp.Commands.Select(c => c.Spec);
}
