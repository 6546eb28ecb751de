namespace Ava.Compiler.HuggingFace.Download;

/// <summary>Free space of the disk holding the cache, and the error that says how much more a download needs.</summary>
internal static class FreeSpace
{
    /// <summary>Free bytes for this user on the file system holding <paramref name="path"/>, or null when unknown.</summary>
    public static long? Of(string path)
    {
        try
        {
            var probe = Path.GetFullPath(path);
            while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent) probe = parent;
            return new DriveInfo(probe).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static HubDiskFullException Exhausted(string cacheRoot, long needed, long? free, string kept)
    {
        var freeText = free is { } f ? $"{Bytes(f)} is free" : "the free space is unknown";
        var missing = free is { } g ? $"at least {Bytes(Math.Max(needed - g, 1))}" : Bytes(needed);
        return new HubDiskFullException(
            $"The disk holding the Hugging Face cache ({cacheRoot}) is too full: the download needs {Bytes(needed)} more and {freeText}. {kept}".TrimEnd(),
            $"Free {missing} on that disk, or point HF_HUB_CACHE (or HF_HOME) at a larger one, then rerun.",
            needed, free ?? -1);
    }

    public static string Bytes(long n) => n switch
    {
        >= 1L << 40 => $"{n / (double)(1L << 40):0.0} TiB",
        >= 1L << 30 => $"{n / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / 1024.0:0.0} KiB",
        _ => $"{n} B",
    };
}
