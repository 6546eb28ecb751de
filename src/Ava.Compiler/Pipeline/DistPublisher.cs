using Ava.Compiler.IO;
using Ava.Compiler.Packaging;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// Puts the packaged build into dist/ (models/llm/AVA-…/, AVA-….ALM) by hard links, replacing what was there
/// atomically. Does nothing when dist/ already holds exactly this build (same manifest, same package size), so a no-op
/// rerun reads no weights. The registry entry is written after this (<see cref="RegisterStage.Register(LlmBuild, StageRecord)"/>).
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
}
