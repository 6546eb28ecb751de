namespace Ava.Compiler.Pipeline;

/// <summary>
/// Where a compile reads and writes, relative to one working root: the resumable build folder (default
/// <c>build/&lt;name&gt;</c>), <c>dist/</c> for the artifacts and the model registry (default <c>registry/</c>, or
/// <c>ALC_REGISTRY</c>). The CLI and the Action both start from <see cref="For"/>, so a build lands in the same places
/// whichever ran it. Immutable; <c>WithX</c> gives a changed copy.
/// </summary>
public sealed record CompileFolders
{
    private CompileFolders(string root, string dist, string registry)
    {
        Root = root;
        Dist = dist;
        Registry = registry;
    }

    public string Root { get; }

    /// <summary>The build folder when one was chosen; otherwise <see cref="BuildFor"/> names it after the model.</summary>
    public string? Build { get; private init; }

    public string Dist { get; private init; }

    public string Registry { get; private init; }

    /// <param name="environment">ALC_REGISTRY (relative to <paramref name="root"/>) moves the registry.</param>
    public static CompileFolders For(string root, IReadOnlyDictionary<string, string> environment)
    {
        var full = Path.GetFullPath(root);
        var registry = environment.GetValueOrDefault("ALC_REGISTRY") is { Length: > 0 } r ? r : "registry";
        return new CompileFolders(full, Path.Combine(full, "dist"), Path.GetFullPath(Path.Combine(full, registry)));
    }

    public CompileFolders WithBuild(string? directory) => this with { Build = directory is null ? null : Resolve(directory) };

    public CompileFolders WithDist(string directory) => this with { Dist = Resolve(directory) };

    public CompileFolders WithRegistry(string directory) => this with { Registry = Resolve(directory) };

    /// <summary>The chosen build folder, else <c>build/&lt;name&gt;</c> under the root.</summary>
    public string BuildFor(string name) => Build ?? Path.Combine(Root, "build", name);

    private string Resolve(string path) => Path.GetFullPath(Path.Combine(Root, path));
}
