namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>Free space where artifacts are written (a converted 4B model and its intermediates need several GB). Advice only.</summary>
public sealed class DiskSpaceCheck : DoctorCheck
{
    public override string Id => "disk";

    public override string Title => "Free disk space";

    public override bool Required => false;

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var need = (long)c.Lock.Disk.MinimumFreeGigabytes * 1_000_000_000;
        var expected = $"≥ {c.Lock.Disk.MinimumFreeGigabytes} GB free";
        var dir = c.Options.WorkingDirectory;
        while (!Directory.Exists(dir) && Path.GetDirectoryName(dir) is { } parent) dir = parent;
        long free;
        try
        {
            free = new DriveInfo(dir).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Task.FromResult(Warn($"unknown for {dir} ({e.Message})", expected, null));
        }
        var found = $"{free / 1e9:0.#} GB free at {dir}";
        return Task.FromResult(free >= need
            ? Pass(found, expected)
            : Warn(found, expected, $"Free space on that disk, or run alc from a folder on a larger disk."));
    }
}
