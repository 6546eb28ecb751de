using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// Real Apache TVM v0.22.0 compiler output (tests/fixtures/tvm-v0.22.0-real, provenance in its README.md). Every path
/// handed out has been checked against the sha256 table of that README, so a test using these files fails when they
/// are swapped for imitations (or regenerated from stand-in sources).
/// </summary>
public static partial class RealTvmFixtures
{
    public static string Folder { get; } = RepoPaths.Combine("tests", "fixtures", "tvm-v0.22.0-real");

    private static readonly Dictionary<string, string> Checked = new(StringComparer.Ordinal);

    /// <summary>The checked path of a file named in the README's table, e.g. <c>android-cpu/lib0.o</c>.</summary>
    public static string File(string relative)
    {
        lock (Checked)
        {
            if (!Checked.TryGetValue(relative, out var path))
                Checked[relative] = path = CheckAgainstReadme(Folder, relative);
            return path;
        }
    }

    /// <summary>A folder of the fixtures (<c>android-opencl</c>, <c>android-cpu</c>) after checking every file in it.</summary>
    public static string Directory(string name)
    {
        foreach (var row in Table(Folder).Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal))) File(row);
        var dir = Path.Combine(Folder, name);
        var unlisted = System.IO.Directory.EnumerateFiles(dir).Select(f => $"{name}/{Path.GetFileName(f)}").Where(f => !Table(Folder).ContainsKey(f)).ToList();
        if (unlisted.Count > 0) throw new InvalidDataException($"{string.Join(", ", unlisted)} is not in the README's table of real TVM output.");
        return dir;
    }

    /// <summary>The README's table: file → (bytes, sha256).</summary>
    public static IReadOnlyDictionary<string, (long Bytes, string Sha256)> Table(string folder)
    {
        var rows = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (Match m in Row().Matches(System.IO.File.ReadAllText(Path.Combine(folder, "README.md"))))
            rows[m.Groups["file"].Value] = (long.Parse(m.Groups["bytes"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["sha"].Value);
        return rows;
    }

    /// <summary>Throws unless the file has the size and sha256 the README of <paramref name="folder"/> records.</summary>
    public static string CheckAgainstReadme(string folder, string relative)
    {
        if (!Table(folder).TryGetValue(relative, out var want))
            throw new InvalidDataException($"{relative} is not in the sha256 table of {folder}/README.md.");
        var path = Path.Combine(folder, relative);
        var bytes = System.IO.File.ReadAllBytes(path);
        var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        if (bytes.Length != want.Bytes || sha != want.Sha256)
            throw new InvalidDataException($"{path} is not the real TVM output its README describes: {bytes.Length} bytes, sha256 {sha}; expected {want.Bytes} bytes, sha256 {want.Sha256}.");
        return path;
    }

    // | android-opencl/tiny_q4f16_1-android.tar (gzip) | 74236 | acc5… |
    [GeneratedRegex(@"^\|\s*(?<file>[A-Za-z0-9_./-]+)(?:\s*\([a-z]+\))?\s*\|\s*(?<bytes>\d+)\s*\|\s*(?<sha>[0-9a-f]{64})\s*\|\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
