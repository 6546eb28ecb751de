using Ava.Compiler.Binary;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.Verification.Linking;

/// <summary>
/// The objects of each model library written to a private temp folder for the linker only (tar / .ALM / gzip members,
/// or copies of .o / .a / .so files), with the map from the linker's relative paths back to the names users know
/// (<c>model.tar!lib0.o</c>). Disposing deletes the folder, so nothing the proof writes survives it.
/// </summary>
internal sealed class LinkInputs : IDisposable
{
    public string Root { get; }

    /// <summary>Per library (same order as given): the relative paths passed to the linker.</summary>
    public List<List<string>> Files { get; } = [];

    /// <summary>Relative path → display name; and relative path → index of the library it came from.</summary>
    public Dictionary<string, string> Display { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Owner { get; } = new(StringComparer.Ordinal);

    private LinkInputs(string root) => Root = root;

    public static LinkInputs Write(IReadOnlyList<VerifyInput> libraries)
    {
        var inputs = new LinkInputs(Directory.CreateTempSubdirectory("alc-link-").FullName);
        try
        {
            for (var i = 0; i < libraries.Count; i++)
            {
                inputs.Files.Add([]);
                inputs.Add(i, libraries[i].Path, libraries[i].Display);
            }
            return inputs;
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            inputs.Dispose();
            throw DiskFull.Error($"the link proof's copies of the objects to {inputs.Root}", e);
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
    }

    private void Add(int lib, string path, string display)
    {
        if (Directory.Exists(path))
        {
            foreach (var f in FolderWalk.Files(path, display))
                AddFile(lib, f.FullPath, display + "/" + f.RelativePath);
            return;
        }
        AddFile(lib, path, display);
    }

    private void AddFile(int lib, string path, string display)
    {
        FileSource src;
        try { src = new FileSource(path, display); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{display} cannot be read ({e.Message.TrimEnd('.')}).", "Check that the file exists and is readable.");
        }
        using (src) AddSource(lib, src, display, 0);
    }

    /// <summary>
    /// Walks the file with the same bounds-checked readers the name checks use (not System.Formats.Tar), so an archive
    /// the name checks accepted is read the same way here, and damage is bad input (exit 2) in both places.
    /// </summary>
    private void AddSource(int lib, ByteSource src, string display, int depth)
    {
        Malformed.Check(depth <= ArtifactReader.MaxDepth, src.Path, $"archives are nested more than {ArtifactReader.MaxDepth} deep");
        var head = new byte[(int)Math.Min(ContentSniffer.HeadLength, src.Length)];
        src.Read(0, head);
        switch (ContentSniffer.Detect(head))
        {
            case ContentKind.Gzip:
                using (var inner = new GzipSource(src, src.Path)) AddSource(lib, inner, display, depth + 1);
                break;
            case ContentKind.Tar:
                foreach (var (name, data) in TarReader.Members(src))
                {
                    var clean = name.Replace('\\', '/');
                    if (Path.GetFileName(clean).StartsWith("._", StringComparison.Ordinal) || data.Length == 0) continue; // AppleDouble metadata
                    AddSource(lib, data, display + "!" + clean.TrimStart('.', '/'), depth + 1);
                }
                break;
            case ContentKind.Elf or ContentKind.Ar:
                var rel = $"L{lib}/{Files[lib].Count}-{Safe(display)}";
                Directory.CreateDirectory(Path.Combine(Root, $"L{lib}"));
                using (var o = File.Create(Path.Combine(Root, rel)))
                {
                    var buffer = new byte[1 << 16];
                    for (long at = 0; at < src.Length; at += buffer.Length)
                    {
                        var n = (int)Math.Min(buffer.Length, src.Length - at);
                        src.Read(at, buffer.AsSpan(0, n));
                        o.Write(buffer, 0, n);
                    }
                }
                Files[lib].Add(rel);
                Display[rel] = display;
                Owner[rel] = lib;
                break;
        }
    }

    /// <summary>A short file name the linker prints unchanged (keeps the extension so lld's messages read naturally).</summary>
    private static string Safe(string display)
    {
        var name = DisplayPath.FileName(display);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray();
        return chars.Length == 0 ? "object" : new string(chars);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
