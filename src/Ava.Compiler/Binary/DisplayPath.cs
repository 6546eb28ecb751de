namespace Ava.Compiler.Binary;

/// <summary>
/// The one way a display path is shortened for a message. The readers name a member inside a container with
/// <c>!</c> (<c>dist/model.tar!lib/libmodel.a!lib0.o</c>, see <see cref="ArtifactReader"/>); messages name the part a
/// person recognises.
/// </summary>
public static class DisplayPath
{
    /// <summary>Separates a container from a member inside it.</summary>
    public const char MemberSeparator = '!';

    /// <summary>A member inside a container: <c>model.tar</c> + <c>lib0.o</c> → <c>model.tar!lib0.o</c>.</summary>
    public static string Inside(string container, string member) => container + MemberSeparator + member;

    /// <summary>The innermost member as the container names it (<c>lib/lib0.o</c>), or a plain file's name.</summary>
    public static string Member(string path)
    {
        var bang = path.LastIndexOf(MemberSeparator);
        return bang >= 0 ? path[(bang + 1)..] : Path.GetFileName(path);
    }

    /// <summary>The last name of the path, member folders dropped too: <c>x.tar!lib/lib0.o</c> → <c>lib0.o</c>.</summary>
    public static string FileName(string path) => path[(path.LastIndexOfAny(['/', MemberSeparator]) + 1)..];

    /// <summary>
    /// The outer file's name with the members inside it, its folders dropped: <c>/tmp/x/app.aar!jni/arm64-v8a/libtvm4j.so</c>
    /// → <c>app.aar!jni/arm64-v8a/libtvm4j.so</c>, <c>/tmp/x/jniLibs/arm64-v8a/libtvm4j.so</c> → <c>libtvm4j.so</c>. For
    /// one-screen summaries, where the folders a user's paths start with are noise.
    /// </summary>
    public static string Short(string path)
    {
        var outer = Outer(path);
        return Path.GetFileName(Path.TrimEndingDirectorySeparator(outer)) + path[outer.Length..];
    }

    /// <summary>
    /// Where a file is, for a diagnostic's location (rustc's <c>--></c>): a path given relative (as typed, or made
    /// relative to the Action's workspace) is kept whole, so it can be opened; an absolute one keeps the outer file's
    /// last <paramref name="folders"/> folders (<c>/tmp/x/jniLibs/arm64-v8a/libtvm4j.so</c>, 2 → <c>jniLibs/arm64-v8a/libtvm4j.so</c>),
    /// and the members inside it whole (<c>/tmp/x/app.apk!lib/arm64-v8a/libtvm4j.so</c> → <c>app.apk!lib/arm64-v8a/libtvm4j.so</c>).
    /// </summary>
    public static string Located(string path, int folders)
    {
        var outer = Outer(path);
        if (!Path.IsPathRooted(outer)) return path;
        var parts = outer.Replace('\\', '/').TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', parts[Math.Max(0, parts.Length - 1 - folders)..]) + path[outer.Length..];
    }

    /// <summary>The file on disk that holds the member: <c>dist/model.tar!lib0.o</c> → <c>dist/model.tar</c>.</summary>
    public static string Outer(string path)
    {
        var bang = path.IndexOf(MemberSeparator);
        return bang >= 0 ? path[..bang] : path;
    }
}
