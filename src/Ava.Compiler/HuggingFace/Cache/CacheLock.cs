namespace Ava.Compiler.HuggingFace;

/// <summary>
/// An exclusive lock on a file in the cache's .locks folder. On Unix .NET takes it with flock(2), the same call
/// Python's filelock uses, so alc and huggingface_hub never write the same blob at once.
/// </summary>
internal sealed class CacheLock : IDisposable
{
    private readonly FileStream _stream;

    private CacheLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock; <paramref name="onWaiting"/> is called once if another holder keeps it a while.</summary>
    public static async Task<CacheLock> AcquireAsync(string path, Action? onWaiting, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            try
            {
                return new CacheLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!told && waited.Elapsed > TimeSpan.FromSeconds(1))
                {
                    told = true;
                    onWaiting?.Invoke();
                }
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
