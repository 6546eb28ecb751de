using Ava.Compiler.Errors;

namespace Ava.Action;

/// <summary>Resolves the multi-line path inputs: each line is a path or a file-name pattern ('*', '?') under the working directory.</summary>
public static class FileSet
{
    public static IReadOnlyList<string> Resolve(string root, IReadOnlyList<string> lines, string inputName)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            var full = Path.GetFullPath(Path.Combine(root, line));
            var dir = Path.GetDirectoryName(full)!;
            var name = Path.GetFileName(full);
            var matches = name.IndexOfAny(['*', '?']) >= 0 && Directory.Exists(dir)
                ? Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToArray()
                : File.Exists(full) ? [full] : [];
            if (matches.Length == 0)
                throw new BadInputException($"'{line}' in the '{inputName}' input matches no file under {root}.",
                    $"Fix the path (relative to working-directory), or make the step that builds it run first.");
            foreach (var m in matches)
                if (!result.Contains(m)) result.Add(m);
        }
        return result;
    }
}
