using Ava.Compiler.Errors;

namespace Ava.Action;

/// <summary>
/// Resolves the multi-line path inputs: each line is a path or a file-name pattern ('*', '?') under the working
/// directory, optionally below a '**' folder (any depth), e.g. <c>dist/**/*.AON</c>. A missing literal path is an error
/// (a typo would otherwise publish less than intended); a pattern may match nothing as long as the input as a whole
/// matches something.
/// </summary>
public static class FileSet
{
    public static IReadOnlyList<string> Resolve(string root, IReadOnlyList<string> lines, string inputName, Action<string>? warn = null)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            var matches = Match(root, line);
            if (matches.Count == 0)
            {
                if (!IsPattern(line))
                    throw new BadInputException($"'{line}' in the '{inputName}' input does not exist under {root}.",
                        "Fix the path (relative to working-directory), or make the step that builds it run first.");
                warn?.Invoke($"'{line}' in the '{inputName}' input matches no file.");
            }
            foreach (var m in matches)
                if (!result.Contains(m)) result.Add(m);
        }
        if (lines.Count > 0 && result.Count == 0)
            throw new BadInputException($"The '{inputName}' input ({string.Join(", ", lines)}) matches no file under {root}.",
                "Fix the patterns (relative to working-directory), or make the step that builds the files run first.");
        return result;
    }

    private static bool IsPattern(string line) => line.IndexOfAny(['*', '?']) >= 0;

    private static List<string> Match(string root, string line)
    {
        var normalised = line.Replace('\\', '/');
        var recursive = normalised.Contains("/**/", StringComparison.Ordinal) || normalised.StartsWith("**/", StringComparison.Ordinal);
        var full = Path.GetFullPath(Path.Combine(root, recursive ? normalised.Replace("**/", "") : normalised));
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!IsPattern(name) && !recursive) return File.Exists(full) ? [full] : [];
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, name, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal).ToList();
    }
}
