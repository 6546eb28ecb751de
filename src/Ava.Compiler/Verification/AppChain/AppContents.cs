using System.IO.Compression;
using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.Jvm;

namespace Ava.Compiler.Verification.AppChain;

/// <summary>A shared library the app ships (from a jniLibs folder, an .aar's jni/&lt;abi&gt;/ or an .apk's lib/&lt;abi&gt;/).</summary>
/// <param name="FileName">The name the dynamic linker knows it by (DT_NEEDED entries name files).</param>
/// <param name="FilePath">The file on disk when it is one (a jniLibs folder); null inside a zip.</param>
/// <param name="Bytes">The library's bytes when it came from a zip (the link proof needs a file); null otherwise.</param>
public sealed record AppLibrary(string Path, string FileName, BinaryObject Object, string? FilePath, byte[]? Bytes);

/// <summary>
/// What the app loads, read from the paths given to <c>alc verify --app</c>: the tvm4j classes' native methods (class
/// files in a jar, <c>classes.jar</c> inside an .aar, <c>classes*.dex</c> in an .apk) and the shared libraries for the
/// target ABI. Zips are read in memory, never extracted; every entry's CRC-32 is checked.
/// </summary>
public sealed record AppContents(
    IReadOnlyList<JvmNativeMethod> Natives,
    IReadOnlyList<string> ClassSources,
    IReadOnlyList<AppLibrary> Libraries,
    IReadOnlyList<SkippedMember> Skipped)
{
    /// <summary>The Java package whose natives form the tvm4j API.</summary>
    public const string Tvm4jPackage = "org.apache.tvm";

    /// <summary>Reads every path (file or folder); <paramref name="abi"/> is the Android ABI folder name (arm64-v8a).</summary>
    public static AppContents Read(IReadOnlyList<VerifyInput> paths, string abi, string architecture)
    {
        var b = new Builder(abi, architecture);
        foreach (var p in paths)
        {
            if (Directory.Exists(p.Path))
            {
                foreach (var file in Directory.EnumerateFiles(p.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    b.AddFile(file, System.IO.Path.Combine(p.Display, System.IO.Path.GetRelativePath(p.Path, file)), inFolder: true);
            }
            else if (File.Exists(p.Path)) b.AddFile(p.Path, p.Display, inFolder: false);
            else throw new BadInputException($"{p.Display}{Remedy.Of(UserInput.App)} does not exist.", "Pass the app's jniLibs/arm64-v8a/ folder and the tvm4j jar, an .aar or a built .apk.");
        }
        return new AppContents(b.Natives, b.ClassSources.Distinct().ToList(), b.Libraries, b.Skipped);
    }

    /// <summary>Reads one jar/aar/apk/class/DEX/ELF held in memory (the mutation tests feed damaged bytes here).</summary>
    internal static AppContents ReadBytes(byte[] bytes, string display, string abi = "arm64-v8a", string architecture = "aarch64")
    {
        var b = new Builder(abi, architecture);
        b.AddTopLevel(bytes, display);
        return new AppContents(b.Natives, b.ClassSources.Distinct().ToList(), b.Libraries, b.Skipped);
    }

    private sealed class Builder(string abi, string architecture)
    {
        public List<JvmNativeMethod> Natives { get; } = [];
        public List<string> ClassSources { get; } = [];
        public List<AppLibrary> Libraries { get; } = [];
        public List<SkippedMember> Skipped { get; } = [];

        public void AddFile(string file, string display, bool inFolder)
        {
            Span<byte> head = stackalloc byte[8];
            int n;
            using (var s = File.OpenRead(file)) n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            if (IsZip(head) || ClassFileReader.Sniff(head) || DexReader.Sniff(head) || IsElf(head))
                AddBytes(File.ReadAllBytes(file), display, System.IO.Path.GetFileName(file), topLevel: !inFolder, filePath: file);
            else if (!inFolder)
                throw new BadInputException($"{display}{Remedy.Of(UserInput.App)} is not a jar, .aar, .apk, class file, DEX file or shared library.",
                    "Pass the app's jniLibs/arm64-v8a/ folder and the tvm4j jar, an .aar or a built .apk.");
            else Skipped.Add(new SkippedMember(display, "not a jar, class, DEX or ELF file"));
        }

        public void AddTopLevel(byte[] bytes, string display) => AddBytes(bytes, display, System.IO.Path.GetFileName(display), topLevel: true, filePath: null);

        private void AddBytes(byte[] bytes, string display, string fileName, bool topLevel, string? filePath, int depth = 0)
        {
            if (IsZip(bytes)) AddZip(bytes, display, depth);
            else if (ClassFileReader.Sniff(bytes)) AddClass(ClassFileReader.Read(bytes, display), display);
            else if (DexReader.Sniff(bytes)) foreach (var c in DexReader.Read(bytes, display, Tvm4jPackage + ".")) AddClass(c, display);
            else if (IsElf(bytes)) AddElf(bytes, display, fileName, filePath);
            else if (topLevel) throw JvmMalformed.Error(display, "its content is none of zip, class file, DEX or ELF");
        }

        private void AddClass(JvmClass c, string display)
        {
            if (!c.Name.StartsWith(Tvm4jPackage + ".", StringComparison.Ordinal) || c.Natives.Count == 0) return;
            ClassSources.Add(display);
            Natives.AddRange(c.Natives);
        }

        private void AddElf(byte[] bytes, string display, string fileName, string? filePath)
        {
            var obj = ArtifactReader.Read(bytes, display).Select(e => e.Object).OfType<BinaryObject>().FirstOrDefault();
            if (obj is null || obj.Kind != ObjectKind.SharedLibrary) { Skipped.Add(new SkippedMember(display, "an ELF file that is not a shared library")); return; }
            if (obj.Architecture != architecture) { Skipped.Add(new SkippedMember(display, $"built for {obj.Architecture}, not {architecture}")); return; }
            Libraries.Add(new AppLibrary(display, fileName, obj, filePath, filePath is null ? bytes : null));
        }

        private void AddZip(byte[] bytes, string display, int depth)
        {
            if (depth > 2) throw JvmMalformed.Error(display, "zips are nested more than three deep");
            ZipArchive zip;
            List<ZipArchiveEntry> entries;
            try
            {
                // The central directory is read lazily: Entries throws on a damaged one too.
                zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
                entries = zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
            {
                throw JvmMalformed.Error(display, $"not a readable zip ({e.Message.TrimEnd('.')})");
            }
            using (zip)
            {
                foreach (var entry in entries)
                {
                    var name = entry.FullName;
                    if (name.EndsWith('/')) continue;
                    var inner = $"{display}!{name}";
                    var kind = Classify(name);
                    if (kind == EntryKind.Other) continue;
                    if (kind == EntryKind.OtherAbiLibrary) { Skipped.Add(new SkippedMember(inner, $"a library for another ABI than {abi}")); continue; }
                    AddBytes(ReadEntry(entry, inner), inner, System.IO.Path.GetFileName(name), topLevel: true, filePath: null, depth + 1);
                }
            }
        }

        /// <summary>Which zip entries matter: tvm4j classes, DEX files, nested jars (an .aar's classes.jar, libs/*.jar), and libraries for the ABI.</summary>
        private EntryKind Classify(string name)
        {
            if (name.EndsWith(".class", StringComparison.Ordinal))
                return name.StartsWith(Tvm4jPackage.Replace('.', '/') + "/", StringComparison.Ordinal) ? EntryKind.Read : EntryKind.Other;
            if (name.EndsWith(".dex", StringComparison.Ordinal) || name.EndsWith(".jar", StringComparison.Ordinal)) return EntryKind.Read;
            if (name.EndsWith(".so", StringComparison.Ordinal))
            {
                var parts = name.Split('/');
                // .apk: lib/<abi>/x.so; .aar: jni/<abi>/x.so. Anything else (assets) is not loaded by System.loadLibrary.
                if (parts.Length == 3 && parts[0] is "lib" or "jni") return parts[1] == abi ? EntryKind.Read : EntryKind.OtherAbiLibrary;
            }
            return EntryKind.Other;
        }

        private static byte[] ReadEntry(ZipArchiveEntry entry, string display)
        {
            const long limit = 1L << 30;
            if (entry.Length is < 0 or > limit) throw JvmMalformed.Error(display, $"the zip entry claims {entry.Length} bytes");
            try
            {
                using var s = entry.Open();
                var buffer = new byte[entry.Length];
                var n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                JvmMalformed.Check(n == buffer.Length && s.ReadByte() < 0, display, $"the zip entry holds a different length than the {entry.Length} bytes its header says");
                // ZipArchive does not check CRC-32 when reading; a flipped byte in a stored entry would otherwise pass.
                JvmMalformed.Check(System.IO.Hashing.Crc32.HashToUInt32(buffer) == entry.Crc32, display, "the zip entry's CRC-32 does not match its data");
                return buffer;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
            {
                throw JvmMalformed.Error(display, $"the zip entry cannot be decompressed ({e.Message.TrimEnd('.')})");
            }
        }

        private enum EntryKind { Read, OtherAbiLibrary, Other }
    }

    private static bool IsZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 && head[3] is 4 or 6;

    private static bool IsElf(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
}
