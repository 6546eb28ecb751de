using System.IO.Compression;

namespace Ava.Compiler.Verification;

/// <summary>
/// A package or model tar opened for reading: MLC's ".tar" is gzip-compressed (tvm.contrib.tar runs <c>tar -czf</c>),
/// an .ALM is plain, so the first two bytes decide; the caller owns (and disposes) the file.
/// </summary>
internal static class TarStream
{
    public static Stream Open(FileStream file)
    {
        var magic = new byte[2];
        var gzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
