using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// A full disk during a compile is exit 3 with a clear message, never a half-published build: before dist/ and the
/// registry are touched every folder they live on must have <see cref="PublishReserveBytes"/> free (publishing hard-links
/// the packaged files, so what it writes is only the registry entry, reports and folder entries: kilobytes), and an
/// out-of-space failure anywhere (a stage's output, the publish, the report) becomes <see cref="DiskFullException"/>.
/// </summary>
public static class DiskGuard
{
    /// <summary>Room kept for the publish step's own writes; far above the few kilobytes they take, far below any model.</summary>
    public const long PublishReserveBytes = 8L << 20;

    /// <summary>Throws <see cref="DiskFullException"/> when a folder's disk has less than <see cref="PublishReserveBytes"/> free.</summary>
    public static void RequireRoomToPublish(params string[] folders)
    {
        foreach (var folder in folders)
        {
            if (FreeBytes(folder) is not { } free || free >= PublishReserveBytes) continue;
            throw new DiskFullException(
                $"The disk holding {folder} has only {free / 1024} KiB free: too little to publish the build and write its registry entry and reports safely (alc keeps {PublishReserveBytes >> 20} MiB). Nothing was published or registered.",
                $"Free space on that disk (or put the output folder{Remedy.Of(UserInput.OutputFolder)}, the registry{Remedy.Of(UserInput.Registry)} and the build folder{Remedy.Of(UserInput.BuildFolder)} on a larger one) and rerun; finished stages are kept, so only the publish step runs again.");
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning an out-of-space I/O failure into <see cref="DiskFullException"/>.</summary>
    public static async Task<T> MapAsync<T>(string what, Func<Task<T>> work)
    {
        try { return await work(); }
        catch (Exception e) when (e is not AlcException && DiskFull.Is(e)) { throw DiskFull.Error(what, e); }
    }

    private static long? FreeBytes(string path)
    {
        try
        {
            var probe = Path.GetFullPath(path);
            while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent) probe = parent;
            return new DriveInfo(probe).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return null; }
    }
}
