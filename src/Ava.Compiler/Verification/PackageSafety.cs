using Ava.Compiler.Binary;
using Ava.Compiler.IO;

namespace Ava.Compiler.Verification;

/// <summary>
/// What the phone's unpacker would do with each member of a tar alc is asked to accept (an <c>.ALM</c>, an <c>.AON</c>
/// tar, a model tar from <c>mlc_llm compile</c>). alc reads archives in place, so nothing escapes here; the phone extracts
/// them. A package alc accepts therefore holds only regular files and folders, each under a relative name that stays in
/// the folder it is unpacked into, each name once. Every other member is an error naming the member and why: an absolute
/// name, a <c>..</c> step, a symbolic or hard link (anywhere: a link inside can be re-pointed by a later member), a device,
/// a FIFO, an unknown member type, a name given twice (a later member silently replaces an earlier, checked one).
/// </summary>
internal static class PackageSafety
{
    public const string ProofName = "package-safety";

    /// <summary>Problems of every tar at <paramref name="path"/> (a file, or each file of a folder); empty when none is unsafe.</summary>
    public static List<Problem> Run(string path, string display)
    {
        var problems = new List<Problem>();
        if (Directory.Exists(path))
        {
            foreach (var f in FolderWalk.Files(path, display))
                CheckFile(f.FullPath, display + "/" + f.RelativePath, problems);
        }
        else CheckFile(path, display, problems);
        return problems;
    }

    /// <summary>True when <paramref name="path"/> is a tar (plain or gzip) — what the manifest rule applies to.</summary>
    public static bool IsTar(string path)
    {
        if (!File.Exists(path)) return false;
        using var src = new FileSource(path, path);
        var kind = Sniff(src);
        if (kind == ContentKind.Tar) return true;
        if (kind != ContentKind.Gzip) return false;
        using var inner = new GzipSource(src, src.Path);
        return inner.Length > 0 && Sniff(inner) == ContentKind.Tar;
    }

    private static void CheckFile(string path, string display, List<Problem> into)
    {
        using var src = new FileSource(path, display);
        switch (Sniff(src))
        {
            case ContentKind.Tar:
                CheckTar(src, display, into);
                break;
            case ContentKind.Gzip:
                using (var inner = new GzipSource(src, src.Path))
                    if (inner.Length > 0 && Sniff(inner) == ContentKind.Tar) CheckTar(inner, display, into);
                break;
        }
    }

    private static ContentKind Sniff(ByteSource src)
    {
        var head = new byte[(int)Math.Min(ContentSniffer.HeadLength, src.Length)];
        src.Read(0, head);
        return ContentSniffer.Detect(head);
    }

    private static void CheckTar(ByteSource tar, string display, List<Problem> into)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in TarReader.Entries(tar))
        {
            var why = Why(m, seen);
            if (why is null) continue;
            into.Add(new Problem
            {
                Severity = Severity.Error,
                Code = "unsafe-member",
                Message = $"{display}: member '{m.Name}' {why}.",
                Where = [$"{display}!{m.Name}"],
                Proof = ProofName,
                Fix = "Do not ship this archive: an unpacker on the phone would write or read outside the model folder. Rebuild it with 'alc compile' (its packages hold only regular files and folders under relative names).",
            });
        }
    }

    /// <summary>Why the member is unsafe to extract, or null when it is a regular file or folder under a safe, new name.</summary>
    internal static string? Why(TarMember m, HashSet<string> seen)
    {
        var name = m.Name;
        if (name.Length == 0) return "has an empty name";
        if (name.Contains('\0')) return "has a NUL byte in its name";
        if (name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])))
            return "has an absolute name: it would be written outside the folder it is unpacked into";
        var parts = name.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Contains(".."))
            return "has a '..' step in its name: it would be written outside the folder it is unpacked into";
        switch (m.Type)
        {
            case TarMemberType.SymbolicLink:
                return $"is {TarMemberText.Describe(m)}: extracting it lets a later member or the app read or write through it{(Escapes(m.LinkName, name) ? ", and it points outside the archive" : "")}";
            case TarMemberType.HardLink:
                return Escapes(m.LinkName, "") || !seen.Contains(Normal(m.LinkName))
                    ? $"is {TarMemberText.Describe(m)}, outside the archive: extracting it would link a file the package does not hold"
                    : $"is {TarMemberText.Describe(m)}: packages hold regular files only";
            case TarMemberType.CharacterDevice or TarMemberType.BlockDevice or TarMemberType.Fifo or TarMemberType.Other:
                return $"is {TarMemberText.Describe(m)}, not a regular file or folder";
        }
        var key = Normal(name);
        if (key.Length > 0 && !seen.Add(key) && m.Type == TarMemberType.File)
            return "appears twice: the later copy silently replaces the earlier one when unpacked";
        return null;
    }

    private static string Normal(string name) =>
        string.Join('/', name.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));

    /// <summary>Whether a link target, taken relative to the member's folder, leaves the archive's root.</summary>
    private static bool Escapes(string target, string memberName)
    {
        if (target.Length == 0) return false;
        if (target[0] is '/' or '\\' || (target.Length >= 2 && target[1] == ':')) return true;
        var depth = memberName.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Length - 1;
        foreach (var p in target.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == "..") depth--;
            else if (p != ".") depth++;
            if (depth < 0) return true;
        }
        return false;
    }
}
