namespace Ava.Compiler.Toolchain.Setup;

/// <summary>One program run of a setup step. <see cref="Display"/> is what --plan prints (copy-pasteable into a shell).</summary>
/// <param name="SkipIfExists">Skip this command when the path exists (e.g. do not clone into an existing checkout).</param>
public sealed record SetupCommand(string Program, IReadOnlyList<string> Arguments, string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null, string? SkipIfExists = null)
{
    public string Display
    {
        get
        {
            var env = Environment is null ? "" : string.Concat(Environment.Select(kv => $"{kv.Key}={ShellQuote(kv.Value)} "));
            var cd = WorkingDirectory is null ? "" : $"cd {ShellQuote(WorkingDirectory)} && ";
            var guard = SkipIfExists is null ? "" : $"[ -e {ShellQuote(SkipIfExists)} ] || ";
            return guard + cd + env + string.Join(' ', new[] { Program }.Concat(Arguments).Select(ShellQuote));
        }
    }

    /// <summary>POSIX shell quoting: bare when safe, single-quoted otherwise.</summary>
    public static string ShellQuote(string s) =>
        s.Length > 0 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || "@%+=:,./_-".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}

/// <summary>A condition that proves a step's result is in place, so a rerun can skip it.</summary>
public abstract record SetupCondition
{
    public abstract bool Holds();

    public abstract string Describe();

    /// <summary>A file or folder exists; one <c>*</c> path segment is allowed (e.g. <c>venv/lib/python*/site-packages/x</c>).</summary>
    public sealed record PathExists(string Path) : SetupCondition
    {
        public override bool Holds() => Expand(Path).Any(p => File.Exists(p) || Directory.Exists(p));

        public override string Describe() => $"{Path} exists";

        private static IEnumerable<string> Expand(string path)
        {
            var star = path.IndexOf('*');
            if (star < 0) return [path];
            var dir = System.IO.Path.GetDirectoryName(path[..star])!;
            var rest = path[star..];
            var slash = rest.IndexOf('/');
            var pattern = System.IO.Path.GetFileName(path[..star]) + (slash < 0 ? rest : rest[..slash]);
            var tail = slash < 0 ? "" : rest[(slash + 1)..];
            return Directory.Exists(dir)
                ? Directory.EnumerateFileSystemEntries(dir, pattern).Select(p => tail.Length == 0 ? p : System.IO.Path.Combine(p, tail))
                : [];
        }
    }

    /// <summary>A git checkout is at the commit.</summary>
    public sealed record GitHeadIs(string Directory, string Commit) : SetupCondition
    {
        public override bool Holds() => GitCheckout.HeadCommit(Directory) is { } head && Commits.Same(Commit, head);

        public override string Describe() => $"{Directory} is at {Commit[..8]}";
    }
}

/// <summary>What a step does besides running programs.</summary>
public enum SetupAction
{
    RunCommands,

    /// <summary>Record the prefix in the user toolchain config so later commands find it.</summary>
    RecordPrefix,

    /// <summary>Run the full doctor against the prefix.</summary>
    Doctor,
}

/// <summary>
/// One resumable setup step: its commands, and the conditions that show it is done. A step is skipped when its
/// stamp (a hash of its commands) matches and every condition holds, so changing the lock reruns what it affects.
/// </summary>
public sealed record SetupStep(string Id, string Title, IReadOnlyList<SetupCommand> Commands, IReadOnlyList<SetupCondition> DoneWhen,
    SetupAction Action = SetupAction.RunCommands)
{
    /// <summary>Identifies the step's exact commands; stored in the stamp file when the step succeeds.</summary>
    public string Fingerprint
    {
        get
        {
            var text = Id + "\n" + string.Join("\n", Commands.Select(c => c.Display));
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        }
    }
}
