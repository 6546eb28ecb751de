namespace Ava.Compiler.Toolchain;

/// <summary>
/// Reads the commit a git checkout is at without running git (doctor must work where git is absent, e.g. a copied
/// checkout on an external drive): follows <c>.git</c> (folder, or a file pointing elsewhere as in worktrees and
/// submodules), <c>HEAD</c>, loose refs and <c>packed-refs</c>.
/// </summary>
public static class GitCheckout
{
    /// <returns>The 40-hex commit, or null when <paramref name="directory"/> is not a readable git checkout.</returns>
    public static string? HeadCommit(string directory)
    {
        var gitDir = GitDirectory(directory);
        if (gitDir is null) return null;
        var head = ReadFirstLine(Path.Combine(gitDir, "HEAD"));
        if (head is null) return null;
        if (!head.StartsWith("ref:", StringComparison.Ordinal)) return IsHash(head) ? head.ToLowerInvariant() : null;
        var refName = head[4..].Trim();
        // Worktrees keep HEAD locally but refs in the common folder.
        var commonDir = ReadFirstLine(Path.Combine(gitDir, "commondir")) is { } c ? Path.GetFullPath(Path.Combine(gitDir, c)) : gitDir;
        foreach (var dir in new[] { gitDir, commonDir }.Distinct())
        {
            if (ReadFirstLine(Path.Combine(dir, refName)) is { } loose && IsHash(loose)) return loose.ToLowerInvariant();
            var packed = Path.Combine(dir, "packed-refs");
            if (!File.Exists(packed)) continue;
            foreach (var line in File.ReadLines(packed))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[1].Trim() == refName && IsHash(parts[0])) return parts[0].ToLowerInvariant();
            }
        }
        return null;
    }

    private static string? GitDirectory(string directory)
    {
        var dotGit = Path.Combine(directory, ".git");
        if (Directory.Exists(dotGit)) return dotGit;
        if (ReadFirstLine(dotGit) is { } pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
            return Path.GetFullPath(Path.Combine(directory, pointer[7..].Trim()));
        return null;
    }

    private static string? ReadFirstLine(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.Trim();
    }

    private static bool IsHash(string s) => s.Length == 40 && s.All(Uri.IsHexDigit);
}
