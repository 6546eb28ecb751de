using System.Globalization;
using System.Text;
using Ava.Compiler.IO;

namespace Ava.Compiler.Hashing;

/// <summary>
/// Builds a content key from named inputs. Each input is written as a length-prefixed name/value pair, so no two
/// different input sets can produce the same text. The key is the XxHash128 of that text.
/// </summary>
public sealed class KeyBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<KeyInput> _inputs = [];

    public IReadOnlyList<KeyInput> Inputs => _inputs;

    public KeyBuilder Add(string name, string? value)
    {
        value ??= "<null>";
        _inputs.Add(new KeyInput(name, value));
        _text.Append(name.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(name)
            .Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
        return this;
    }

    public KeyBuilder Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public KeyBuilder Add(string name, bool value) => Add(name, value ? "true" : "false");

    /// <summary>Adds a file by content (XxHash128 via the cache), not by path or time.</summary>
    public KeyBuilder AddFile(string name, string path, HashCache cache) => Add(name, cache.Get(path).XxHash128);

    /// <summary>
    /// Adds every file under a folder by relative path and content, in ordinal order. Names starting with '.' are
    /// skipped (temp files, caches).
    /// </summary>
    public KeyBuilder AddDirectory(string name, string directory, HashCache cache)
    {
        foreach (var rel in ListFiles(directory))
            Add($"{name}/{rel}", cache.Get(Path.Combine(directory, rel)).XxHash128);
        return this;
    }

    public string Build() => FileHasher.XxHash128Of(_text.ToString());

    /// <summary>Relative paths of the folder's regular files through <see cref="FolderWalk"/> (links kept inside, no pipes or devices, bounded).</summary>
    internal static IEnumerable<string> ListFiles(string directory) =>
        FolderWalk.Files(directory, options: FolderWalkOptions.Default.WithSkipDotNames()).Select(f => f.RelativePath);
}

/// <summary>One named input of a stage key, kept so `--plan` can show what a key is made of.</summary>
public sealed record KeyInput(string Name, string Value);
