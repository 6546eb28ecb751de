using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Ava.Compiler.Onnx;

/// <summary>
/// Reads the embedded (manifest) resources of a .NET assembly straight from the PE file, without loading the
/// assembly: no code from the package runs and its dependencies need not be present.
/// </summary>
public static class EmbeddedResourceReader
{
    public static IReadOnlyList<string> Names(string assemblyPath)
    {
        using var fs = File.OpenRead(assemblyPath);
        using var pe = new PEReader(fs);
        var md = pe.GetMetadataReader();
        return md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>Copies resource <paramref name="name"/> into <paramref name="destination"/>; returns its length.</summary>
    public static long CopyTo(string assemblyPath, string name, Stream destination)
    {
        using var fs = File.OpenRead(assemblyPath);
        long start;
        using (var pe = new PEReader(fs, PEStreamOptions.LeaveOpen))
        {
            var md = pe.GetMetadataReader();
            var handle = md.ManifestResources.FirstOrDefault(h => md.GetString(md.GetManifestResource(h).Name) == name);
            if (handle.IsNil) throw new InvalidDataException($"'{Path.GetFileName(assemblyPath)}' has no embedded resource '{name}'.");
            var resource = md.GetManifestResource(handle);
            if (!resource.Implementation.IsNil) throw new InvalidDataException($"Resource '{name}' lives in another file, not in '{Path.GetFileName(assemblyPath)}'.");
            var rva = pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress;
            start = FileOffset(pe.PEHeaders, rva) + resource.Offset;
        }
        // Each embedded resource is a little-endian int32 length followed by the bytes.
        fs.Position = start;
        Span<byte> lengthBytes = stackalloc byte[4];
        fs.ReadExactly(lengthBytes);
        var length = BitConverter.ToUInt32(lengthBytes);
        if (start + 4 + length > fs.Length) throw new InvalidDataException($"Resource '{name}' runs past the end of '{Path.GetFileName(assemblyPath)}'.");
        var buffer = new byte[1 << 20];
        long left = length;
        while (left > 0)
        {
            var n = fs.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw new EndOfStreamException();
            destination.Write(buffer, 0, n);
            left -= n;
        }
        return length;
    }

    private static long FileOffset(PEHeaders headers, int rva)
    {
        foreach (var s in headers.SectionHeaders)
            if (rva >= s.VirtualAddress && rva < s.VirtualAddress + Math.Max(s.VirtualSize, s.SizeOfRawData))
                return s.PointerToRawData + (long)(rva - s.VirtualAddress);
        throw new InvalidDataException("The resources directory lies in no section of the PE file.");
    }
}
