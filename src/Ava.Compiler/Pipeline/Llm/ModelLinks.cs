namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// A private folder holding a symbolic link to every entry of a model folder, deleted on dispose. A tool that
/// writes into "its" model folder (MLC's convert_weight writes an index next to a single model.safetensors) writes
/// here, so the source — a Hugging Face cache snapshot shared with other tools — stays byte-for-byte as downloaded.
/// </summary>
public sealed class ModelLinks : IDisposable
{
    private ModelLinks(string path) => Path = path;

    public string Path { get; }

    /// <param name="directory">The folder to (re)create; whatever a killed run left there is removed first.</param>
    public static ModelLinks Create(string modelDirectory, string directory)
    {
        var dir = directory;
        if (Directory.Exists(dir)) new ModelLinks(dir).Dispose();
        Directory.CreateDirectory(dir);
        foreach (var entry in Directory.EnumerateFileSystemEntries(modelDirectory))
        {
            var link = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(link, System.IO.Path.GetFullPath(entry));
            else File.CreateSymbolicLink(link, System.IO.Path.GetFullPath(entry));
        }
        return new ModelLinks(dir);
    }

    /// <summary>Deletes the links (never their targets) and whatever the tool wrote beside them.</summary>
    public void Dispose()
    {
        try
        {
            foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null || entry is FileInfo) entry.Delete();
                else ((DirectoryInfo)entry).Delete(recursive: true);
            }
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the model folder is never touched.
        }
    }
}
