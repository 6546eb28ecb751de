using Ava.Compiler.Errors;

namespace Ava.Compiler.IO;

/// <summary>A regular file found by <see cref="FolderWalk"/>: where to open it (links resolved) and its name inside the folder.</summary>
public sealed record WalkedFile(string FullPath, string RelativePath, long Length);

/// <summary>How far a walk may go. Immutable; <c>WithX</c> copies.</summary>
public sealed record FolderWalkOptions
{
    public static readonly FolderWalkOptions Default = new();

    /// <summary>More files than any model folder holds (a Gemma snapshot has ~15, an MLC output a few hundred shards).</summary>
    public int MaxFiles { get; init; } = 100_000;

    /// <summary>Deeper than any model folder nests; a bind-mount loop or a runaway tree stops here.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Leave out names starting with '.' (temp files, caches, stage stamps' siblings).</summary>
    public bool SkipDotNames { get; init; }

    public FolderWalkOptions WithMaxFiles(int n) => this with { MaxFiles = n };

    public FolderWalkOptions WithMaxDepth(int n) => this with { MaxDepth = n };

    public FolderWalkOptions WithSkipDotNames(bool skip = true) => this with { SkipDotNames = skip };
}

/// <summary>
/// The one way alc walks a folder it was given (<c>--source</c>, <c>verify DIR</c>, the link proof's inputs, stage
/// outputs): every regular file, in ordinal order of relative path. A symbolic link is followed only when its target
/// stays inside the folder — or, for a Hugging Face cache snapshot (<c>models--org--name/snapshots/{commit}</c>), inside
/// that model's cache folder, so the snapshot's links into <c>blobs/</c> keep working. Anything else is bad input (exit 2)
/// naming the entry: a link that leaves the folder or dangles, a link loop, a FIFO, device or socket (which would block or
/// never end), an unreadable folder, more than <see cref="FolderWalkOptions.MaxFiles"/> files or a nesting deeper than
/// <see cref="FolderWalkOptions.MaxDepth"/>.
/// </summary>
public static class FolderWalk
{
    /// <summary>Link hops allowed while resolving one path (Linux's own limit is 40: ELOOP).</summary>
    private const int MaxLinkHops = 40;

    public static IReadOnlyList<WalkedFile> Files(string folder, string? display = null, FolderWalkOptions? options = null)
    {
        options ??= FolderWalkOptions.Default;
        display ??= folder;
        var real = RealPath(Path.GetFullPath(folder), display)
                   ?? throw new BadInputException($"{display} does not exist.", "Check the path of the folder.");
        if (FileKind.OfLink(real) != FileKindValue.Directory)
            throw new BadInputException($"{display} is not a folder.", "Pass a folder.");
        var walk = new Walk(real, Boundary(real), display, options);
        walk.Dir(real, "", 0, [real]);
        return walk.Found.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The folder links may point into: the folder itself, or the model folder of a Hub cache snapshot
    /// (<c>…/models--org--name/snapshots/{commit}</c> → <c>…/models--org--name</c>, whose <c>blobs/</c> hold the files).
    /// </summary>
    internal static string Boundary(string realFolder)
    {
        var parent = Path.GetDirectoryName(realFolder);
        var model = parent is null ? null : Path.GetDirectoryName(parent);
        return parent is not null && model is not null && Path.GetFileName(parent) == "snapshots"
               && Path.GetFileName(model).StartsWith("models--", StringComparison.Ordinal)
            ? model
            : realFolder;
    }

    internal static bool Inside(string path, string boundary) =>
        path == boundary || path.StartsWith(boundary.EndsWith(Path.DirectorySeparatorChar) ? boundary : boundary + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private sealed class Walk(string root, string boundary, string display, FolderWalkOptions options)
    {
        public List<WalkedFile> Found { get; } = [];

        private string Shown(string rel) => rel.Length == 0 ? display : display.TrimEnd('/', '\\') + "/" + rel;

        public void Dir(string realDir, string rel, int depth, List<string> ancestors)
        {
            if (depth > options.MaxDepth)
                throw new BadInputException($"{Shown(rel)} is nested more than {options.MaxDepth} folders deep.",
                    "Pass the model folder itself; a model folder is never this deep (a mount or link loop can make it look endless).");
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(realDir).EnumerateFileSystemInfos("*", new EnumerationOptions
                {
                    RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false,
                }).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                throw new BadInputException($"The folder {Shown(rel)} cannot be read ({e.Message.TrimEnd('.')}).",
                    "Check its permissions, or pass a folder alc may read (not a system folder such as /proc).");
            }
            foreach (var entry in entries)
            {
                if (options.SkipDotNames && entry.Name.StartsWith('.')) continue;
                var childRel = rel.Length == 0 ? entry.Name : rel + "/" + entry.Name;
                var path = Path.Combine(realDir, entry.Name);
                var kind = FileKind.OfLink(path);
                var target = path;
                if (kind == FileKindValue.SymbolicLink)
                {
                    target = RealPath(path, Shown(childRel))
                             ?? throw new BadInputException($"{Shown(childRel)} is a broken symbolic link (to '{LinkText(path)}').",
                                 "Remove the link or restore the file it points to.");
                    if (!Inside(target, boundary))
                        throw new BadInputException($"{Shown(childRel)} is a symbolic link to '{LinkText(path)}', outside the folder.",
                            "alc never follows links out of a folder it was given: copy the file into the folder, or pass the folder that holds it.");
                    kind = FileKind.OfLink(target);
                }
                switch (kind)
                {
                    case FileKindValue.RegularFile:
                        if (Found.Count >= options.MaxFiles)
                            throw new BadInputException($"{display} holds more than {options.MaxFiles} files.",
                                "Pass the model folder itself, not a folder above it (a model folder holds at most a few thousand files).");
                        long length;
                        try { length = new FileInfo(target).Length; }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            throw new BadInputException($"{Shown(childRel)} cannot be read ({e.Message.TrimEnd('.')}).", "Check its permissions.");
                        }
                        Found.Add(new WalkedFile(target, childRel, length));
                        break;
                    case FileKindValue.Directory:
                        if (ancestors.Contains(target, StringComparer.Ordinal))
                            throw new BadInputException($"{Shown(childRel)} leads back to {Shown(Rel(target))}: a folder loop.",
                                "Remove the link that points to a folder above itself.");
                        Dir(target, childRel, depth + 1, [.. ancestors, target]);
                        break;
                    case FileKindValue.Missing:
                        break; // removed while walking: nothing to read
                    default:
                        throw new BadInputException($"{Shown(childRel)} is {FileKind.Describe(kind)}, not a regular file.",
                            "Remove it from the folder: alc reads only regular files (a pipe or device would block or never end).");
                }
            }
        }

        private string Rel(string real)
        {
            var r = Path.GetRelativePath(root, real).Replace('\\', '/');
            return r == "." ? "" : r;
        }
    }

    private static string LinkText(string path)
    {
        try { return new FileInfo(path).LinkTarget ?? "?"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>
    /// The path with every link resolved, or null when it leads nowhere (dangling). A chain of more than 40 links is a
    /// loop and bad input — the same limit the kernel applies (ELOOP).
    /// </summary>
    internal static string? RealPath(string fullPath, string display)
    {
        var rootPart = Path.GetPathRoot(fullPath) ?? "/";
        var pending = new Stack<string>(fullPath[rootPart.Length..].Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = rootPart;
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? rootPart;
                continue;
            }
            var next = Path.Combine(current, part);
            var kind = FileKind.OfLink(next);
            if (kind == FileKindValue.Missing) return null;
            if (kind != FileKindValue.SymbolicLink)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
                throw new BadInputException($"{display} is a symbolic link loop (more than {MaxLinkHops} links in a row).",
                    "Remove the links that point at each other.");
            string? link;
            try { link = new FileInfo(next).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            if (link is null) return null;
            foreach (var p in link.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(p);
            if (Path.IsPathRooted(link)) current = Path.GetPathRoot(link) ?? rootPart;
        }
        return current;
    }
}
