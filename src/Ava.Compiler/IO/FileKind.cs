using System.Runtime.InteropServices;

namespace Ava.Compiler.IO;

public enum FileKindValue { Missing, RegularFile, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// The type of a file system entry, so a walk opens only regular files (a FIFO or /dev/zero would block or never end).
/// .NET has no public API for it (<see cref="FileAttributes"/> on Unix says only directory / not), so on Unix this asks
/// the runtime's own native shim: <c>SystemNative_Stat</c>/<c>SystemNative_LStat</c> in libSystem.Native, the calls
/// <see cref="FileInfo"/> itself is built on, whose <c>FileStatus.Mode</c> (second int32) carries the portable
/// <c>S_IFMT</c> bits on Linux and macOS alike (dotnet/runtime src/native/libs/System.Native/pal_io.h).
/// </summary>
public static class FileKind
{
    private const int IfMt = 0xF000, IfIfo = 0x1000, IfChr = 0x2000, IfDir = 0x4000, IfBlk = 0x6000, IfReg = 0x8000, IfLnk = 0xA000, IfSock = 0xC000;

    /// <summary>The entry itself (a symbolic link is reported as one).</summary>
    public static FileKindValue OfLink(string path) => Of(path, follow: false);

    /// <summary>What the path leads to after following links; <see cref="FileKindValue.Missing"/> for a dangling or looping link.</summary>
    public static FileKindValue OfTarget(string path) => Of(path, follow: true);

    private static FileKindValue Of(string path, bool follow)
    {
        if (OperatingSystem.IsWindows())
        {
            var info = new FileInfo(path);
            if (!follow && info.Exists && info.LinkTarget is not null) return FileKindValue.SymbolicLink;
            if (Directory.Exists(path)) return FileKindValue.Directory;
            return File.Exists(path) ? FileKindValue.RegularFile : FileKindValue.Missing;
        }
        // FileStatus is ~120 bytes today; the buffer leaves room for fields added later (Mode stays the second int).
        var status = new byte[512];
        int rc;
        try { rc = follow ? Stat(path, status) : LStat(path, status); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Approximate(path, follow); // a host that does not expose the shim: never an internal error
        }
        if (rc != 0) return FileKindValue.Missing;
        return (BitConverter.ToInt32(status, 4) & IfMt) switch
        {
            IfReg => FileKindValue.RegularFile,
            IfDir => FileKindValue.Directory,
            IfLnk => FileKindValue.SymbolicLink,
            IfIfo => FileKindValue.Fifo,
            IfChr => FileKindValue.CharacterDevice,
            IfBlk => FileKindValue.BlockDevice,
            IfSock => FileKindValue.Socket,
            _ => FileKindValue.Other,
        };
    }

    /// <summary>
    /// Without the native shim: links and folders from <see cref="FileInfo"/>; device files by their usual home
    /// (/dev); anything else is taken as a regular file (a FIFO elsewhere cannot be told apart here).
    /// </summary>
    private static FileKindValue Approximate(string path, bool follow)
    {
        var info = new FileInfo(path);
        if (!follow && info.LinkTarget is not null) return FileKindValue.SymbolicLink;
        if (Directory.Exists(path)) return FileKindValue.Directory;
        if (!File.Exists(path)) return FileKindValue.Missing;
        var real = follow && info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path : path;
        return real.StartsWith("/dev/", StringComparison.Ordinal) ? FileKindValue.CharacterDevice : FileKindValue.RegularFile;
    }

    public static string Describe(FileKindValue kind) => kind switch
    {
        FileKindValue.Fifo => "a FIFO (named pipe)",
        FileKindValue.CharacterDevice => "a character device",
        FileKindValue.BlockDevice => "a block device",
        FileKindValue.Socket => "a socket",
        FileKindValue.Directory => "a folder",
        FileKindValue.SymbolicLink => "a symbolic link",
        FileKindValue.RegularFile => "a regular file",
        FileKindValue.Missing => "missing",
        _ => "not a regular file",
    };

    // DllImport rather than LibraryImport: no unsafe code in the core for two calls with blittable arguments.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Stat(string path, [Out] byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int LStat(string path, [Out] byte[] status);
}
