using System.Globalization;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// <c>--local-dir</c>: the fetched files as real files in a folder of the user's (never links into the cache, which a
/// user could edit or delete and so corrupt the cache). The bookkeeping is huggingface_hub's own, so <c>hf download
/// --local-dir</c> and alc recognise each other's files: <c>DIR/.cache/huggingface/download/&lt;path&gt;.metadata</c>
/// holds the commit, the etag and the time it was written, one per line, and <c>DIR/.cache/huggingface/.gitignore</c>
/// holds <c>*</c> (huggingface/huggingface_hub@02c8d0ac:src/huggingface_hub/_local_folder.py, write_download_metadata,
/// read_download_metadata, _huggingface_dir). A file is copied again unless its metadata names the same etag and the file
/// was not modified after the metadata was written (the same 1 s allowance as read_download_metadata).
/// </summary>
public static class LocalDirectory
{
    /// <summary>Copies the files of <paramref name="fetched"/> into <paramref name="directory"/>; returns the result with each file's LocalPath there.</summary>
    public static FetchResult Export(FetchResult fetched, string directory)
    {
        var root = Path.GetFullPath(directory);
        if (File.Exists(root))
            throw new BadInputException($"The local folder {root}{Remedy.Of(UserInput.LocalDir)} is a file, not a folder.", "Pass a folder (it is created when missing).");
        var meta = Path.Combine(root, ".cache", "huggingface");
        Directory.CreateDirectory(meta);
        var gitignore = Path.Combine(meta, ".gitignore");
        if (!File.Exists(gitignore)) AtomicFile.WriteAllText(gitignore, "*");

        var files = new List<FetchedFile>();
        foreach (var file in fetched.Files)
        {
            if (!HubCache.IsSafeRepoPath(file.Path))
                throw new HubProtocolException($"The Hub listed a file named '{file.Path}', which would land outside {root}.",
                    "Check HF_ENDPOINT: a real Hub never lists such names.");
            var parts = file.Path.Split('/');
            var target = Path.Combine([root, .. parts]);
            var metadata = Path.Combine([meta, "download", .. parts]) + ".metadata";
            if (!UpToDate(target, metadata, file))
            {
                AtomicFile.Write(target, s =>
                {
                    using var source = File.OpenRead(file.BlobPath);
                    source.CopyTo(s);
                });
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                AtomicFile.WriteAllText(metadata, $"{fetched.Commit}\n{file.Etag ?? ""}\n{now.ToString("0.000", CultureInfo.InvariantCulture)}\n");
            }
            files.Add(file with { LocalPath = target });
        }
        return fetched with { Files = files };
    }

    /// <summary>The local file is the one the metadata describes: same etag, same size, not touched since.</summary>
    private static bool UpToDate(string target, string metadata, FetchedFile file)
    {
        if (file.Etag is null || !File.Exists(target) || !File.Exists(metadata)) return false;
        var lines = File.ReadAllLines(metadata);
        if (lines.Length < 3 || lines[1].Trim() != file.Etag ||
            !double.TryParse(lines[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var written)) return false;
        var info = new FileInfo(target);
        var modified = (info.LastWriteTimeUtc - DateTime.UnixEpoch).TotalSeconds;
        return info.Length == file.Size && modified - 1 <= written;
    }
}
