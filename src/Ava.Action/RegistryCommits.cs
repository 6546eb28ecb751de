using Ava.Action.Publishing;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.Registry;

namespace Ava.Action;

/// <summary>
/// The registry files one run commits. Model entries (<c>registry/models/&lt;AVA name&gt;.json</c>, written by the core's
/// register step) are re-registered after the uploads with each uploaded file's download URL and the run's
/// build-provenance attestation, and committed as the registry then holds them; other files (A/B entries from the
/// 'registry-files' input) are committed as they are.
/// </summary>
/// <param name="dist">Where entries' artifact paths are resolved when an artifact's own path does not show its dist folder.</param>
public sealed class RegistryCommits(ModelRegistry registry, string root, string dist)
{
    private readonly List<string> _models = [];
    private readonly List<string> _files = [];

    /// <summary>Release asset name → the entry and the file of it the asset is.</summary>
    private readonly Dictionary<string, (string Entry, string File)> _assets = new(StringComparer.Ordinal);

    public ModelRegistry Registry => registry;

    public bool IsEmpty => _models.Count == 0 && _files.Count == 0;

    /// <summary>Adds a model entry; it is read (and schema-checked) now, so a broken entry stops the run before any upload.</summary>
    public void AddModel(string name)
    {
        if (_models.Contains(name)) return;
        registry.GetModel(name);
        _models.Add(name);
    }

    /// <summary>The entry of an artifact (AVA-….ALM → models/AVA-….json) when the registry has one.</summary>
    public bool AddArtifact(string artifactPath)
    {
        var name = Path.GetFileNameWithoutExtension(artifactPath);
        if (!registry.HasModel(name)) return false;
        AddModel(name);
        return true;
    }

    /// <summary>
    /// The files to put on the release for one artifact: with a registry entry, every file the entry lists that is in
    /// the artifact's dist folder (the .AON's vocabulary, the model libraries next to an .ALM), each checked to be the
    /// registered bytes, so no entry ends up pointing at a file it does not describe; without one, the artifact alone.
    /// </summary>
    /// <param name="digest">The artifact's digest, already computed by the caller (an .ALM can be gigabytes).</param>
    public IReadOnlyList<(ReleaseFile File, FileDigest Digest)> FilesOf(string artifactPath, FileDigest digest)
    {
        var full = Path.GetFullPath(artifactPath);
        var name = Path.GetFileNameWithoutExtension(full);
        if (!_models.Contains(name)) return [(new ReleaseFile(full, Path.GetFileName(full)), digest)];

        var entry = registry.GetModel(name);
        var self = entry.Artifacts.FirstOrDefault(a => a.File == Path.GetFileName(full));
        var folder = self is not null && DistOf(full, self.Path) is { } own ? own : dist;
        var files = new List<(ReleaseFile, FileDigest)>();
        if (self is null) files.Add((new ReleaseFile(full, Path.GetFileName(full)), digest));
        foreach (var a in entry.Artifacts)
        {
            var path = a == self ? full : Path.GetFullPath(Path.Combine(folder, a.Path));
            if (!File.Exists(path)) continue;
            var d = a == self ? digest : FileHasher.HashFile(path);
            var sha = d.Sha256;
            if (sha != a.Sha256)
                throw new VerificationFailedException(
                    $"{Path.GetRelativePath(root, path)} is not the file {registry.ModelPath(name)} registers as {a.File} (sha256 {sha[..12]}…, registered {a.Sha256[..12]}…); nothing was published.",
                    "Publish the dist folder of the build that wrote the entry: rebuild the model (alc compile) or pass the matching entry, so the file and its entry agree.");
            var asset = AssetName(entry.Name, a.File);
            _assets[asset] = (entry.Name, a.File);
            files.Add((new ReleaseFile(path, asset), d));
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

    /// <summary>A file from the 'registry-files' input; a model entry of this registry is handled as one.</summary>
    public void AddFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) == registry.ModelsDirectory && full.EndsWith(".json", StringComparison.Ordinal))
            AddModel(Path.GetFileNameWithoutExtension(full));
        else if (!_files.Contains(full))
            _files.Add(full);
    }

    /// <summary>
    /// Called once the assets are on the release: records where each entry's files can be downloaded (and the
    /// attestation of the files uploaded now), writes the entries through <see cref="ModelRegistry.Register"/> so the
    /// local registry says the same, and returns what to commit.
    /// </summary>
    public IReadOnlyList<RegistryChange> After(IReadOnlyList<AssetPublication> assets, EntryAttestation? attestation, string? releaseTag)
    {
        var changes = new List<RegistryChange>();
        foreach (var name in _models)
        {
            var entry = registry.GetModel(name);
            var uploaded = assets.Where(a => _assets.TryGetValue(a.Name, out var f) && f.Entry == name).ToList();
            foreach (var a in uploaded) entry = entry.WithReleaseUrl(_assets[a.Name].File, a.DownloadUrl);
            // The attestation's subjects are the files uploaded by this run; an entry none of whose files went up is not covered.
            if (attestation is not null && uploaded.Count > 0) entry = entry.WithAttestation(attestation.Id, attestation.Url);
            var registered = registry.Register(entry);
            changes.Add(Change(registered.Path, releaseTag));
        }
        foreach (var file in _files) changes.Add(Change(file, releaseTag));
        return changes;
    }

    private RegistryChange Change(string file, string? releaseTag)
    {
        var path = RepositoryPath(file);
        return RegistryChange.Replace(path, File.ReadAllText(file),
            $"registry: {Path.GetFileNameWithoutExtension(path)}{(releaseTag is null ? "" : $" ({releaseTag})")}");
    }

    /// <summary>Where a file goes on the registry branch: its path in the working directory, else registry/models/&lt;file&gt;.</summary>
    private string RepositoryPath(string file)
    {
        var relative = Path.GetRelativePath(root, file);
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)) return relative.Replace('\\', '/');
        return Path.GetDirectoryName(file) == registry.ModelsDirectory ? $"registry/models/{Path.GetFileName(file)}" : Path.GetFileName(file);
    }
}
