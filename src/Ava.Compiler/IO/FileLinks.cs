using System.Runtime.InteropServices;

namespace Ava.Compiler.IO;

/// <summary>
/// Places a file at a second path without a second copy when the file system allows it (a hard link), else copies.
/// Weight shards are gigabytes; build/ and dist/ normally share a file system, so publishing costs no disk.
/// </summary>
public static class FileLinks
{
    /// <returns>True when a hard link was made, false when the file was copied.</returns>
    public static bool LinkOrCopy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        if (File.Exists(destination)) File.Delete(destination);
        if (!OperatingSystem.IsWindows() && Link(source, destination) == 0) return true;
        File.Copy(source, destination);
        return false;
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string oldPath, string newPath);
}
