using Ava.Compiler.Errors;
namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// The Android NDK is the locked release, read from <c>Pkg.Revision</c> in its <c>source.properties</c>. Recommended,
/// not required: <c>mlc_llm compile --device android</c> only writes a tar (mlc-llm@7b15b196:python/mlc_llm/support/auto_target.py:185-205);
/// the NDK is needed for alc's link proof and for building the app.
/// </summary>
public sealed class AndroidNdkCheck : DoctorCheck
{
    public const string Why = "recommended: alc's link proof and the app build need it; mlc_llm compile --device android does not";

    public override bool Required => false;

    public override string Id => "android-ndk";

    public override string Title => "Android NDK";

    public override Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken) => Task.FromResult(Check(c));

    private DoctorCheckResult Check(DoctorContext c)
    {
        var pin = c.Lock.AndroidNdk;
        var expected = $"NDK {pin.Version} ({pin.Release}); {Why}";
        var install = $"Install NDK {pin.Version} ('sdkmanager \"ndk;{pin.Version}\"', or unzip android-ndk-{pin.Release}-{(c.Host.Os == HostOs.MacOs ? "darwin" : "linux")}.zip) and pass its folder{Remedy.Of(UserInput.Ndk)} or set ANDROID_NDK_HOME / ALC_ANDROID_NDK, {Fixes.Setup}.";
        if (c.Locations.NdkDir is not { } ndk)
            return Warn("no NDK found (looked at $ANDROID_NDK_HOME, $ANDROID_HOME/ndk, the Android Studio SDK folder); alc compile will skip the link proof", expected, install);
        var properties = Path.Combine(ndk.Path, "source.properties");
        if (!File.Exists(properties))
            return Fail($"{ndk.Path} is not an NDK: no source.properties (from {ndk.Source})", expected, install);
        var revision = ReadRevision(properties);
        var found = $"NDK {revision ?? "with no Pkg.Revision"} at {ndk.Path}";
        if (revision == pin.Version) return Pass(found, expected);
        if (revision is not null && revision.Split('.')[0] == pin.Major.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return Warn(found, expected, $"NDK {pin.Major} releases share the toolchain, so this should work; {install}");
        return Fail(found, expected, install);
    }

    /// <summary>The value of <c>Pkg.Revision</c> (a Java properties line, <c>Pkg.Revision = 27.0.12077973</c>).</summary>
    public static string? ReadRevision(string sourceProperties)
    {
        foreach (var line in File.ReadLines(sourceProperties))
        {
            var eq = line.IndexOf('=');
            if (eq > 0 && line[..eq].Trim() == "Pkg.Revision") return line[(eq + 1)..].Trim();
        }
        return null;
    }
}
