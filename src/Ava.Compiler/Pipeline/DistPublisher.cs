using Ava.Compiler.IO;
using Ava.Compiler.Packaging;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// Puts a packaged build into dist/, for both kinds. LLM (<see cref="Publish"/>): models/llm/AVA-…/ and AVA-….ALM by hard links, replacing what was there
/// atomically. Does nothing when dist/ already holds exactly this build (same manifest, same package size), so a no-op
/// rerun reads no weights. The registry entry is written after this (<see cref="Registrar"/>).
/// </summary>
public static class DistPublisher
{
    /// <returns>True when dist/ was written, false when it was already up to date.</returns>
    public static bool Publish(LlmBuild build, StageRecord package)
    {
        var folder = Path.Combine(package.Directory, build.Name.Value);
        var alm = Path.Combine(package.Directory, build.Name.PackageFile);

        if (UpToDate(build, folder, alm)) return false;

        AtomicDirectory.Build(build.DistModelDirectory, tmp =>
        {
            foreach (var rel in Hashing.KeyBuilder.ListFiles(folder)) FileLinks.LinkOrCopy(Path.Combine(folder, rel), Path.Combine(tmp, rel));
        });
        var almTmp = AtomicFile.TempPathBeside(Path.GetFullPath(build.DistPackagePath));
        FileLinks.LinkOrCopy(alm, almTmp);
        File.Move(almTmp, build.DistPackagePath, overwrite: true);
        return true;
    }

    private static bool UpToDate(LlmBuild build, string folder, string alm)
    {
        var distManifest = Path.Combine(build.DistModelDirectory, PackageManifest.FileName);
        if (!File.Exists(distManifest) || !File.Exists(build.DistPackagePath)) return false;
        if (!File.ReadAllBytes(distManifest).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, PackageManifest.FileName)))) return false;
        if (new FileInfo(build.DistPackagePath).Length != new FileInfo(alm).Length) return false;
        var manifest = PackageManifest.Read(folder);
        return manifest.Files.All(f => new FileInfo(Path.Combine(build.DistModelDirectory, f.Path)) is { Exists: true } i && i.Length == f.Size);
    }

    /// <summary>
    /// The `.AON` layout (dist/models/AVA-….AON beside its manifest, vocab and reports): copies the package files
    /// beside their targets under temp names, then renames them into place, the manifest last: a reader that sees the
    /// manifest sees every file it lists. Copies, not links: these files are small and a dist/ edited in place must
    /// not reach back into the build folder.
    /// </summary>
    public static IReadOnlyList<string> PublishFiles(string packageDirectory, string modelsDirectory, string manifest)
    {
        Directory.CreateDirectory(modelsDirectory);
        var files = Directory.EnumerateFiles(packageDirectory)
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.'))
            .OrderBy(n => n == manifest ? 1 : 0).ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        var staged = new List<(string Tmp, string Target)>();
        try
        {
            foreach (var name in files)
            {
                var target = Path.Combine(Path.GetFullPath(modelsDirectory), name!);
                var tmp = AtomicFile.TempPathBeside(target);
                File.Copy(Path.Combine(packageDirectory, name!), tmp);
                staged.Add((tmp, target));
            }
            foreach (var (tmp, target) in staged) File.Move(tmp, target, overwrite: true);
        }
        catch
        {
            foreach (var (tmp, _) in staged) if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
        return staged.Select(s => s.Target).ToList();
    }
}
