using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ava.Compiler.Hashing;

/// <summary>
/// Computes XxHash128 and SHA-256 of a file in one read, so a multi-gigabyte weight shard is read from disk once.
/// </summary>
public static class FileHasher
{
    private const int BufferSize = 1 << 20;

    public static FileDigest HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return HashStream(stream);
    }

    public static FileDigest HashStream(Stream stream)
    {
        var xx = new XxHash128();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            int n;
            while ((n = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                xx.Append(buffer.AsSpan(0, n));
                sha.AppendData(buffer, 0, n);
                size += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new FileDigest(size, Convert.ToHexStringLower(xx.GetCurrentHash()), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>XxHash128 of a string (UTF-8), lower-case hex: used for stage keys.</summary>
    public static string XxHash128Of(string text) =>
        Convert.ToHexStringLower(XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(text)));
}
