using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.Binary;

/// <summary>
/// The entry point for reading model libraries and runtimes: give it a path, get every object file inside with its
/// symbols. Formats are told apart by content (ELF, Mach-O and universal Mach-O, ar, tar, gzip), nesting is followed
/// (a gzip tar holding an ar holding objects), archive members are read in place (never extracted), and anything
/// damaged becomes a <see cref="BadInputException"/> naming the file.
/// </summary>
public static class ArtifactReader
{
    /// <summary>Deepest archive nesting followed; deeper is treated as damage (guards against archive bombs).</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// Reads a file (or every file under a folder). Objects come back in archive order; members that are not object
    /// files (AppleDouble <c>._*</c> metadata, JSON, weights...) come back as skipped entries with the reason.
    /// The top-level file itself must be an object or an archive.
    /// </summary>
    public static IReadOnlyList<ArtifactEntry> Read(string path, string? displayPath = null) => Read(path, displayPath, hash: false);

    /// <summary>
    /// <see cref="Read(string, string?)"/> with every object's SHA-256 (<see cref="ArtifactEntry.Sha256"/>). Reading all
    /// bytes costs more than the symbol tables, so callers ask only when they must tell identical objects apart.
    /// </summary>
    public static IReadOnlyList<ArtifactEntry> ReadHashed(string path, string? displayPath = null) => Read(path, displayPath, hash: true);

    private static IReadOnlyList<ArtifactEntry> Read(string path, string? displayPath, bool hash)
    {
        var full = Path.GetFullPath(path);
        var display = displayPath ?? path;
        if (Directory.Exists(full))
        {
            var entries = new List<ArtifactEntry>();
            // FolderWalk: links that leave the folder, loops, pipes and devices are bad input, never followed or opened.
            foreach (var file in FolderWalk.Files(full, display))
            {
                var shown = Path.Combine(display, file.RelativePath);
                if (Path.GetFileName(file.RelativePath).StartsWith("._", StringComparison.Ordinal))
                {
                    entries.Add(ArtifactEntry.Skipped(shown, AppleDoubleNote));
                    continue;
                }
                using var src = Open(file.FullPath, shown);
                Walk(src, 0, entries, topLevel: false, hash);
            }
            return entries;
        }
        var kind = FileKind.OfTarget(full);
        if (kind is not (FileKindValue.RegularFile or FileKindValue.Missing))
            throw new BadInputException($"{display} is {FileKind.Describe(kind)}, not a regular file.",
                "Pass an object file, shared library or archive (a pipe or device would block or never end).");
        using (var src = Open(full, display))
        {
            var entries = new List<ArtifactEntry>();
            Walk(src, 0, entries, topLevel: true, hash);
            return entries;
        }
    }

    /// <summary>Reads one object file or shared library (e.g. a runtime <c>.so</c> or <c>.dylib</c>).</summary>
    public static BinaryObject ReadObject(string path, string? displayPath = null)
    {
        var entries = Read(path, displayPath);
        var objects = entries.Where(e => e.Object is not null).Select(e => e.Object!).ToList();
        if (objects.Count != 1 || entries.Count != 1)
            throw new BadInputException($"{displayPath ?? path} is not a single object file or shared library ({objects.Count} objects inside).",
                "Pass the shared library itself (e.g. libtvm_runtime.so), not an archive or a folder.");
        return objects[0];
    }

    /// <summary>Reads an object from memory (tests, and callers that already hold the bytes).</summary>
    public static IReadOnlyList<ArtifactEntry> Read(byte[] bytes, string displayPath)
    {
        using var src = new MemorySource(bytes, displayPath);
        var entries = new List<ArtifactEntry>();
        Walk(src, 0, entries, topLevel: true);
        return entries;
    }

    private const string AppleDoubleNote = "macOS AppleDouble metadata (._*), not an object file; skipped";

    private static FileSource Open(string full, string display)
    {
        try
        {
            return new FileSource(full, display);
        }
        catch (FileNotFoundException)
        {
            throw new BadInputException($"{display} does not exist.", "Check the path; pass an object file, shared library or archive.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new BadInputException($"{display} does not exist.", "Check the path; pass an object file, shared library or archive.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{display} cannot be read ({e.Message}).", "Check that the file exists and is readable.");
        }
    }

    private static void Walk(ByteSource src, int depth, List<ArtifactEntry> into, bool topLevel, bool hash = false)
    {
        Malformed.Check(depth <= MaxDepth, src.Path, $"archives are nested more than {MaxDepth} deep");
        var headLength = (int)Math.Min(ContentSniffer.HeadLength, src.Length);
        var head = new byte[headLength];
        src.Read(0, head);
        var kind = ContentSniffer.Detect(head);
        switch (kind)
        {
            case ContentKind.Elf:
                into.Add(new ArtifactEntry(src.Path, ElfReader.Read(src), null) { Size = src.Length, Sha256 = hash ? Sha256Of(src) : null });
                break;
            case ContentKind.MachO:
                into.Add(new ArtifactEntry(src.Path, MachOReader.Read(src), null) { Size = src.Length, Sha256 = hash ? Sha256Of(src) : null });
                break;
            case ContentKind.MachOFat:
                // One 4-byte buffer for every slice: a stackalloc inside the loop would grow the stack per slice (CA2014).
                Span<byte> magicBuffer = stackalloc byte[4];
                foreach (var slice in MachOReader.FatSlices(src))
                {
                    // Only thin Mach-O inside a universal binary; anything else (another fat header at offset 0...) is damage.
                    var magic = magicBuffer[..(int)Math.Min(4, slice.Length)];
                    slice.Read(0, magic);
                    Malformed.Check(ContentSniffer.Detect(magic) == ContentKind.MachO, slice.Path, "a universal-binary slice is not a Mach-O object");
                    into.Add(new ArtifactEntry(slice.Path, MachOReader.Read(slice), null) { Size = slice.Length, Sha256 = hash ? Sha256Of(slice) : null });
                }
                break;
            case ContentKind.Ar:
                foreach (var (name, data) in ArReader.Members(src)) Member(name, data, depth, into, hash);
                break;
            case ContentKind.Tar:
                foreach (var m in TarReader.Entries(src))
                {
                    if (m.Type == TarMemberType.File) Member(m.Name, src.Slice(m.DataOffset, m.Size, $"{src.Path}!{m.Name}"), depth, into, hash);
                    else if (m.Type != TarMemberType.Directory)
                        into.Add(ArtifactEntry.Skipped($"{src.Path}!{m.Name}", $"{TarMemberText.Describe(m)}, not a regular file; not read"));
                }
                break;
            case ContentKind.Gzip:
                using (var inner = new GzipSource(src, src.Path))
                {
                    Malformed.Check(inner.Length > 0, src.Path, "the gzip stream is empty");
                    Walk(inner, depth + 1, into, topLevel, hash);
                }
                break;
            case ContentKind.ThinAr:
                throw new BadInputException($"{src.Path} is a thin ar archive: it only names object files stored elsewhere.",
                    "Pass a regular archive (llvm-ar rcs without --thin) or the object files themselves.");
            default:
                if (topLevel)
                    throw new BadInputException(
                        kind == ContentKind.Empty ? $"{src.Path} is empty." : $"{src.Path} is not an object file, shared library or archive alc can read ({Describe(kind, head)}).",
                        "Pass an ELF or Mach-O object (.o, .ADco), a shared library (.so, .dylib), an ar archive (.a) or a tar / gzip tar (.tar, .ALM) of them.");
                into.Add(ArtifactEntry.Skipped(src.Path, kind == ContentKind.AppleDouble ? AppleDoubleNote : $"not an object file ({Describe(kind, head)}); skipped"));
                break;
        }
    }

    private static string Sha256Of(ByteSource src)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(1 << 20, Math.Max(1, src.Length))];
        for (long at = 0; at < src.Length; at += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, src.Length - at);
            src.Read(at, buffer.AsSpan(0, n));
            sha.AppendData(buffer, 0, n);
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static void Member(string name, ByteSource data, int depth, List<ArtifactEntry> into, bool hash)
    {
        var baseName = name.Replace('\\', '/').Split('/')[^1];
        if (baseName.StartsWith("._", StringComparison.Ordinal))
        {
            into.Add(ArtifactEntry.Skipped(data.Path, AppleDoubleNote));
            return;
        }
        if (data.Length == 0)
        {
            into.Add(ArtifactEntry.Skipped(data.Path, "empty member; skipped"));
            return;
        }
        Walk(data, depth + 1, into, topLevel: false, hash);
    }

    private static string Describe(ContentKind kind, byte[] head) => kind switch
    {
        ContentKind.Empty => "empty",
        ContentKind.AppleDouble => "AppleDouble metadata",
        _ => head.Length == 0 ? "no data" : $"starts with bytes {Convert.ToHexString(head.AsSpan(0, Math.Min(4, head.Length))).ToLowerInvariant()}",
    };
}
