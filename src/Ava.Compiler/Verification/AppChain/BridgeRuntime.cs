namespace Ava.Compiler.Verification.AppChain;

/// <summary>
/// The libraries the dynamic linker loads with a JNI bridge: its DT_NEEDED entries followed within the app's own
/// libraries (by file name or DT_SONAME), plus the bridge itself when it carries the runtime (a packed build).
/// These files, as a <see cref="Runtime.RuntimeSet"/>, are what the bridge and the model libraries resolve against.
/// </summary>
internal static class BridgeRuntime
{
    public sealed record Closure(IReadOnlyList<AppLibrary> Libraries, IReadOnlyList<(AppLibrary From, string Library)> Missing);

    public static Closure Of(IReadOnlyList<AppLibrary> bridges, IReadOnlyList<AppLibrary> app)
    {
        var chosen = new List<AppLibrary>();
        var missing = new List<(AppLibrary, string)>();
        var queue = new Queue<AppLibrary>(bridges);
        var seen = new HashSet<AppLibrary>(ReferenceEqualityComparer.Instance);
        while (queue.Count > 0)
        {
            var lib = queue.Dequeue();
            if (!seen.Add(lib)) continue;
            if (!bridges.Contains(lib) || ExportsTvm(lib)) chosen.Add(lib);
            foreach (var need in lib.Object.Needed)
            {
                var found = app.FirstOrDefault(l => l.FileName == need) ?? app.FirstOrDefault(l => l.Object.Soname == need);
                if (found is not null) queue.Enqueue(found);
                else if (!VerifyOptions.SystemLibraryNames.Contains(need)) missing.Add((lib, need));
            }
        }
        return new Closure(chosen, missing);
    }

    /// <summary>
    /// The runtime set as the chain names it: file names, and a bridge that carries the runtime itself (a packed build)
    /// as "the runtime built into libtvm4j.so", so a link never reads "libtvm4j.so → libtvm4j.so".
    /// </summary>
    /// <param name="bridges">The bridges' displays as the set's members carry them.</param>
    public static string Names(Runtime.RuntimeSet? set, IReadOnlyList<string> bridges) =>
        set is null ? "TVM runtime" : string.Join(" + ", set.Members.Select(m =>
        {
            var name = Binary.DisplayPath.FileName(m.Display);
            return bridges.Contains(m.Display) ? $"the runtime built into {name}" : name;
        }));

    /// <summary>Exports a TVM runtime function (not just JNI entry points).</summary>
    public static bool ExportsTvm(AppLibrary lib) => lib.Object.Exports.Any(s => s.Name.StartsWith("TVM", StringComparison.Ordinal));
}
