using Ava.Compiler.Errors;

namespace Ava.Compiler.IO;

/// <summary>
/// Tells "the disk is full" apart from other I/O failures. .NET reports ENOSPC (and EDQUOT, a full quota) as a plain
/// <see cref="IOException"/> whose HResult is the errno on Unix, and ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
/// </summary>
public static class DiskFull
{
    private const int Enospc = 28, EdquotLinux = 122, EdquotMac = 69;
    private const int WinDiskFull = unchecked((int)0x80070070), WinHandleDiskFull = unchecked((int)0x80070027);

    public static bool Is(Exception e) => e switch
    {
        IOException io => io.HResult is Enospc or WinDiskFull or WinHandleDiskFull
                          || (io.HResult == EdquotLinux && OperatingSystem.IsLinux())
                          || (io.HResult == EdquotMac && OperatingSystem.IsMacOS())
                          || io.Message.Contains("No space left on device", StringComparison.Ordinal)
                          || io.InnerException is { } inner && Is(inner),
        AggregateException a => a.InnerExceptions.Any(Is),
        _ => e.InnerException is { } i && Is(i),
    };

    /// <summary>The user-facing error for a write that failed for lack of space; <paramref name="what"/> names what was being written.</summary>
    public static DiskFullException Error(string what, Exception cause) =>
        new($"The disk is full: writing {what} failed ({cause.Message.TrimEnd('.')}).",
            $"Free space on that disk (or put the build folder{Remedy.Of(UserInput.BuildFolder)}, the output folder{Remedy.Of(UserInput.OutputFolder)}, the registry{Remedy.Of(UserInput.Registry)} or the Hub cache (HF_HUB_CACHE) on a larger one) and rerun; finished stages are kept.",
            cause);
}
