using Ava.Compiler.Errors;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Ava.Action;

/// <summary>
/// Resolves the multi-line path inputs: each line is a path or a glob under the working directory ('*' and '?'
/// within one folder, '**' any number of folders), e.g. <c>dist/**/models/*.AON</c> or <c>dist/*/model.ALM</c>. A missing literal path is an error
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

    /// <summary>
    /// The literal folders before the first wildcard are the base (so '../x/*.ALM' and absolute paths work as before);
    /// the rest is matched by Microsoft.Extensions.FileSystemGlobbing: '*' within one folder, '**' any depth.
    /// </summary>
    private static List<string> Match(string root, string line)
    {
        var normalised = line.Replace('\\', '/');
        if (!IsPattern(normalised))
        {
            var literal = Path.GetFullPath(Path.Combine(root, normalised));
            return File.Exists(literal) ? [literal] : [];
        }
        var segments = normalised.Split('/');
        var fixedCount = segments.TakeWhile(seg => !IsPattern(seg)).Count();
        var baseDir = Path.GetFullPath(Path.Combine(root, fixedCount == 0 ? "." : string.Join('/', segments[..fixedCount]) + "/"));
        if (!Directory.Exists(baseDir)) return [];
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', segments[fixedCount..]));
        return matcher.GetResultsInFullPath(baseDir).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
    }
}
