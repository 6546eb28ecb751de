using System.Text;

namespace Ava.Cli.CommandLine;

/// <summary>Completion scripts generated from the command specs, so a new command or option completes without edits here.</summary>
public static class CompletionScripts
{
    public static string Bash(IReadOnlyList<CommandSpec> specs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# alc completion for bash: source <(alc completion bash)");
        sb.AppendLine("_alc() {");
        sb.AppendLine("  local cur prev cmd w i words");
        sb.AppendLine("  cur=\"${COMP_WORDS[COMP_CWORD]}\"; prev=\"${COMP_WORDS[COMP_CWORD-1]}\"; cmd=\"\"");
        // The command is the longest run of words that is a command or a group of commands ("registry ab").
        sb.AppendLine("  for ((i=1; i<COMP_CWORD; i++)); do");
        sb.AppendLine("    w=\"${cmd:+$cmd }${COMP_WORDS[i]}\"");
        sb.AppendLine("    case \"$w\" in");
        sb.AppendLine($"      {string.Join("|", Prefixes(specs).Select(Quote))}) cmd=\"$w\" ;;");
        sb.AppendLine("      *) break ;;");
        sb.AppendLine("    esac");
        sb.AppendLine("  done");
        sb.AppendLine("  case \"$cmd|$prev\" in");
        foreach (var s in specs)
        foreach (var o in s.Options.Where(o => o.AllowedValues is not null))
            sb.AppendLine($"    {Quote(s.Name + "|" + o.Name)}) COMPREPLY=($(compgen -W {Quote(string.Join(' ', o.AllowedValues!))} -- \"$cur\")); return ;;");
        sb.AppendLine("  esac");
        sb.AppendLine("  case \"$cmd\" in");
        foreach (var prefix in Prefixes(specs).Prepend(""))
        {
            var next = NextWords(specs, prefix).ToList();
            var options = specs.FirstOrDefault(s => s.Name == prefix)?.AllOptions.Select(o => o.Name) ?? [];
            var all = next.Concat(options).ToList();
            if (all.Count == 0) continue;
            sb.AppendLine($"    {Quote(prefix)}) words={Quote(string.Join(' ', all))} ;;");
        }
        sb.AppendLine("    *) words=\"\" ;;");
        sb.AppendLine("  esac");
        sb.AppendLine("  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))");
        sb.AppendLine("}");
        sb.AppendLine("complete -o default -F _alc alc");
        return sb.ToString();
    }

    /// <summary>zsh runs the bash function through its bashcompinit layer.</summary>
    public static string Zsh(IReadOnlyList<CommandSpec> specs) =>
        "#compdef alc\n# alc completion for zsh: alc completion zsh > \"${fpath[1]}/_alc\"\nautoload -U +X bashcompinit && bashcompinit\n" + Bash(specs);

    public static string Fish(IReadOnlyList<CommandSpec> specs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# alc completion for fish: alc completion fish > ~/.config/fish/completions/alc.fish");
        sb.AppendLine("complete -c alc -f");
        foreach (var prefix in Prefixes(specs).Prepend(""))
        {
            var words = prefix.Length == 0 ? [] : prefix.Split(' ');
            var condition = words.Length == 0 ? "__fish_use_subcommand" : $"__fish_seen_subcommand_from {words[^1]}";
            foreach (var next in NextWords(specs, prefix))
            {
                var summary = specs.FirstOrDefault(s => s.Name == (prefix.Length == 0 ? next : prefix + " " + next))?.Summary ?? "";
                sb.AppendLine($"complete -c alc -n {Quote(condition)} -a {Quote(next)} -d {Quote(summary)}");
            }
        }
        foreach (var s in specs)
        {
            var last = s.Name.Split(' ')[^1];
            foreach (var o in s.AllOptions)
            {
                var values = o.AllowedValues is { } v ? $" -x -a {Quote(string.Join(' ', v))}" : o.Kind == OptionKind.Flag ? "" : " -r -F";
                sb.AppendLine($"complete -c alc -n {Quote("__fish_seen_subcommand_from " + last)} -l {o.Name[2..]}{values} -d {Quote(o.Description)}");
            }
        }
        return sb.ToString();
    }

    /// <summary>Every command name and every leading run of its words ("registry", "registry ab", "registry ab create").</summary>
    private static IEnumerable<string> Prefixes(IReadOnlyList<CommandSpec> specs) =>
        specs.SelectMany(s =>
        {
            var w = s.Name.Split(' ');
            return Enumerable.Range(1, w.Length).Select(n => string.Join(' ', w.Take(n)));
        }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static IEnumerable<string> NextWords(IReadOnlyList<CommandSpec> specs, string prefix)
    {
        var depth = prefix.Length == 0 ? 0 : prefix.Split(' ').Length;
        return specs.Select(s => s.Name.Split(' '))
            .Where(w => w.Length > depth && string.Join(' ', w.Take(depth)) == prefix)
            .Select(w => w[depth]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }

    /// <summary>Single quotes for the shell; a quote inside becomes '\''.</summary>
    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
