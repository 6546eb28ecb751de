using Ava.Action.Publishing;
using Ava.Compiler.Registry;

namespace Ava.Action;

/// <summary>
/// The registry files one run commits. Model entries (<c>registry/models/&lt;AVA name&gt;.json</c>, written by the core's
/// register step; which files go up with them is the core's <see cref="ReleaseFiles"/>) are re-registered after the
/// uploads with each uploaded file's download URL and the run's build-provenance attestation, and committed as the
/// registry then holds them; other files (A/B entries from the 'registry-files' input) are committed as they are.
/// </summary>
public sealed class RegistryCommits(ReleaseFiles release, string root)
{
    private readonly List<string> _files = [];

    public ModelRegistry Registry => release.Registry;

    public bool IsEmpty => release.Models.Count == 0 && _files.Count == 0;

    /// <summary>A file from the 'registry-files' input; a model entry of this registry is handled as one.</summary>
    public void AddFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) == Registry.ModelsDirectory && full.EndsWith(".json", StringComparison.Ordinal))
            release.AddModel(Path.GetFileNameWithoutExtension(full));
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
        // Release asset name → the entry file the asset is.
        var files = release.Files.Where(f => f.Of is not null).ToDictionary(f => f.Name, f => f.Of!, StringComparer.Ordinal);
        foreach (var name in release.Models)
        {
            var entry = Registry.GetModel(name);
            var uploaded = assets.Where(a => files.TryGetValue(a.Name, out var f) && f.Entry == name).ToList();
            foreach (var a in uploaded) entry = entry.WithReleaseUrl(files[a.Name].File, a.DownloadUrl);
            // The attestation's subjects are the files uploaded by this run; an entry none of whose files went up is not covered.
            if (attestation is not null && uploaded.Count > 0) entry = entry.WithAttestation(attestation.Id, attestation.Url);
            var registered = Registry.Register(entry);
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
        return Path.GetDirectoryName(file) == Registry.ModelsDirectory ? $"registry/models/{Path.GetFileName(file)}" : Path.GetFileName(file);
    }
}
