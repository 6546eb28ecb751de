using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;

namespace Ava.Compiler.Registry;

/// <summary>Which file of which registry entry a release file is (the entry keeps the file's own name).</summary>
public sealed record EntryFile(string Entry, string File);

/// <summary>
/// A file to put on a release: its path, the asset name it goes up under, its digest, and the entry file it is
/// (null for an artifact no entry describes).
/// </summary>
/// <param name="ListedBy">The artifact whose entry brought this file in, when it is not the artifact itself.</param>
public sealed record ReleaseUpload(string Path, string Name, FileDigest Digest, EntryFile? Of, string? ListedBy);

/// <summary>The files one artifact adds to the release, and whether the registry has an entry for it.</summary>
public sealed record ArtifactUploads(bool HasEntry, IReadOnlyList<ReleaseUpload> Added);

/// <summary>
/// The files a release of some artifacts holds: each artifact, and with a registry entry (written by the register
/// step) every file the entry lists that is in the artifact's dist folder — the .AON's vocabulary, the model libraries
/// next to an .ALM — each checked to be the registered bytes, so no entry ends up pointing at a file it does not
/// describe. Shells only render and upload what this returns.
/// </summary>
/// <param name="root">What paths in texts are shown relative to.</param>
/// <param name="dist">Where entries' artifact paths are resolved when an artifact's own path does not show its dist folder.</param>
public sealed class ReleaseFiles(ModelRegistry registry, string root, string dist)
{
    private readonly List<string> _models = [];
    private readonly List<ReleaseUpload> _files = [];

    public ModelRegistry Registry => registry;

    /// <summary>The model entries of this release, in the order they were added.</summary>
    public IReadOnlyList<string> Models => _models;

    /// <summary>Every file to upload, in the order they were added, no two with the same asset name.</summary>
    public IReadOnlyList<ReleaseUpload> Files => _files;

    /// <summary>Adds a model entry; it is read (and schema-checked) now, so a broken entry stops the run before any upload.</summary>
    public void AddModel(string name)
    {
        if (_models.Contains(name)) return;
        registry.GetModel(name);
        _models.Add(name);
    }

    /// <summary>
    /// Adds an artifact and, when the registry has its entry (AVA-….ALM → models/AVA-….json), the entry and the files it
    /// lists; returns the files new to the release (a file given twice is added once).
    /// </summary>
    public ArtifactUploads AddArtifact(string artifactPath)
    {
        var full = Path.GetFullPath(artifactPath);
        // Hashed first: an .ALM can be gigabytes, and its digest is needed whether or not it has an entry.
        var digest = FileHasher.HashFile(full);
        var name = Path.GetFileNameWithoutExtension(full);
        var hasEntry = registry.HasModel(name);
        if (hasEntry) AddModel(name);
        var added = new List<ReleaseUpload>();
        foreach (var f in FilesOf(full, digest))
        {
            if (_files.FirstOrDefault(u => u.Name == f.Name) is { } same)
            {
                if (same.Path == f.Path) continue;
                throw new BadInputException(
                    $"Two files would go up as the release asset {f.Name}: {Path.GetRelativePath(root, same.Path)} and {Path.GetRelativePath(root, f.Path)}.",
                    "Give each model's files once: narrow the artifact patterns so no two paths share a file name.");
            }
            _files.Add(f);
            added.Add(f);
        }
        return new ArtifactUploads(hasEntry, added);
    }

    /// <summary>The files of one artifact: with an entry, every file of it found in the dist folder; without one, the artifact alone.</summary>
    private List<ReleaseUpload> FilesOf(string full, FileDigest digest)
    {
        var name = Path.GetFileNameWithoutExtension(full);
        if (!_models.Contains(name)) return [new ReleaseUpload(full, Path.GetFileName(full), digest, null, null)];

        var entry = registry.GetModel(name);
        var self = entry.Artifacts.FirstOrDefault(a => a.File == Path.GetFileName(full));
        var folder = self is not null && DistOf(full, self.Path) is { } own ? own : dist;
        var files = new List<ReleaseUpload>();
        if (self is null) files.Add(new ReleaseUpload(full, Path.GetFileName(full), digest, null, null));
        foreach (var a in entry.Artifacts)
        {
            var path = a == self ? full : Path.GetFullPath(Path.Combine(folder, a.Path));
            // A file the entry lists but this dist folder lacks is not uploaded now (the entry keeps any URL it had).
            if (!File.Exists(path)) continue;
            var d = a == self ? digest : FileHasher.HashFile(path);
            if (d.Sha256 != a.Sha256)
                throw new VerificationFailedException(
                    $"{Path.GetRelativePath(root, path)} is not the file {registry.ModelPath(name)} registers as {a.File} (sha256 {d.Sha256[..12]}…, registered {a.Sha256[..12]}…); nothing was published.",
                    "Publish the dist folder of the build that wrote the entry: rebuild the model or pass the matching entry, so the file and its entry agree.");
            files.Add(new ReleaseUpload(path, AssetName(entry.Name, a.File), d, new EntryFile(entry.Name, a.File), a == self ? null : full));
        }
        return files;
    }

    /// <summary>
    /// One release holds many models, so a file whose name is not already the model's (every LLM has an
    /// AVALibrary.ADco) is uploaded as &lt;AVA name&gt;.&lt;file&gt;; the entry keeps the file's own name and gets the asset's URL.
    /// </summary>
    public static string AssetName(string entryName, string file) =>
        file.StartsWith(entryName + ".", StringComparison.Ordinal) ? file : $"{entryName}.{file}";

    /// <summary>The dist folder an artifact sits in, when its path ends with the path its entry records (models/X.AON).</summary>
    private static string? DistOf(string full, string entryPath)
    {
        var suffix = Path.DirectorySeparatorChar + entryPath.Replace('/', Path.DirectorySeparatorChar);
        return full.EndsWith(suffix, StringComparison.Ordinal) ? full[..^suffix.Length] : null;
    }
}
