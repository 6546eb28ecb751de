namespace Ava.Compiler.Toolchain;

/// <summary>A resolved toolchain location and where the value came from, so doctor can say "from ALC_PYTHON".</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Source">e.g. <c>--python</c>, <c>ALC_PYTHON</c>, <c>config /home/me/.config/alc/toolchain.json</c>, <c>default search</c>.</param>
public sealed record LocatedPath(string Path, string Source)
{
    public bool Exists => File.Exists(Path) || Directory.Exists(Path);

    public override string ToString() => $"{Path} ({Source})";
}
