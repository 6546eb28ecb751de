using Ava.Compiler.IO;

namespace Ava.Compiler.Packaging;

/// <summary>Writes a package file (<c>.ALM</c>) from a finished folder: a temp file beside the target, then a rename.</summary>
public static class PackageWriter
{
    /// <remarks>
    /// No fsync before the rename: a package is always reproducible from its folder and checked against the manifest
    /// hashes, and forcing gigabytes to disk would make packing several times slower than `tar cf`.
    /// </remarks>
    public static long WriteTar(string folder, string rootName, string packagePath, long mtime, Action<long>? progress = null)
    {
        var full = Path.GetFullPath(packagePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = AtomicFile.TempPathBeside(full);
        try
        {
            long size;
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                size = DeterministicTar.Write(folder, rootName, fs, mtime, progress);
            File.Move(tmp, full, overwrite: true);
            return size;
        }
        catch
        {
            AtomicFile.TryDelete(tmp);
            throw;
        }
    }
}
