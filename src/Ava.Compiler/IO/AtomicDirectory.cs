namespace Ava.Compiler.IO;

/// <summary>
/// Builds a whole folder in a temp sibling and swaps it into place, so readers never see a half-filled output folder.
/// </summary>
public static class AtomicDirectory
{
    public static void Build(string path, Action<string> fill)
    {
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(tmp);
        try
        {
            fill(tmp);
            Replace(tmp, full);
        }
        catch
        {
            TryDeleteTree(tmp);
            throw;
        }
    }

    /// <summary>Moves a finished folder onto <paramref name="target"/>, replacing what was there.</summary>
    public static void Replace(string finished, string target)
    {
        string? old = null;
        if (Directory.Exists(target))
        {
            old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
            Directory.Move(target, old);
        }
        Directory.Move(finished, target);
        if (old is not null) TryDeleteTree(old);
    }

    public static void TryDeleteTree(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
