namespace Ava.Compiler.Verification;

/// <summary>A file to read and the name to show for it (the path as the user typed it).</summary>
public sealed record VerifyInput(string Path, string Display)
{
    public static VerifyInput Of(string path) => new(path, path);
}
