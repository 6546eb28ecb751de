using Ava.Compiler.Errors;

namespace Ava.Compiler.Pipeline;

/// <summary>
/// An exclusive lock on a build folder. It is an OS file lock (flock on Unix), so it is released when the process
/// dies, and a killed run never leaves a lock that needs deleting by hand.
/// </summary>
public sealed class BuildLock : IDisposable
{
    private readonly FileStream _stream;

    private BuildLock(FileStream stream) => _stream = stream;

    public static BuildLock Acquire(BuildFolder folder)
    {
        Directory.CreateDirectory(folder.Root);
        try
        {
            var stream = new FileStream(folder.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The holder is named in a side file: the locked file itself cannot be opened by the waiting run.
            File.WriteAllText(folder.LockPath + ".pid", $"pid {Environment.ProcessId}\n");
            return new BuildLock(stream);
        }
        catch (IOException e) when (!IO.DiskFull.Is(e))
        {
            var holder = TryReadHolder(folder.LockPath);
            throw new BusyException(
                $"Another alc run{holder} is using the build folder '{folder.Root}'.",
                $"Wait for it to finish and rerun (exit 75 means busy: retrying later is safe), or use a different build folder{Remedy.Of(UserInput.BuildFolder)}. The lock is released automatically when that run ends or is killed.",
                e);
        }
    }

    private static string TryReadHolder(string path)
    {
        try
        {
            var text = File.ReadAllText(path + ".pid").Trim();
            return text.StartsWith("pid ") ? $" ({text})" : "";
        }
        catch (IOException) { return ""; }
    }

    public void Dispose() => _stream.Dispose();
}
