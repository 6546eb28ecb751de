using Ava.Action;
using Ava.Compiler.Errors;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>The 'artifacts', 'reports' and 'registry-files' inputs: paths and globs under the working directory.</summary>
public class FileSetTests
{
    private static TempDir Tree(params string[] files)
    {
        var dir = new TempDir("fileset");
        foreach (var f in files) dir.Write(f, "x");
        return dir;
    }

    private static List<string> Rel(TempDir dir, IReadOnlyList<string> paths) =>
        paths.Select(p => Path.GetRelativePath(dir.Path, p).Replace('\\', '/')).ToList();

    [Fact]
    public void A_double_star_between_folders_matches_at_any_depth_and_only_under_the_named_folder()
    {
        using var dir = Tree("dist/models/a.AON", "dist/x/models/b.AON", "dist/x/y/models/c.AON", "dist/models/sub/d.AON", "dist/other/e.AON", "dist/models/f.txt");
        var found = FileSet.Resolve(dir.Path, ["dist/**/models/*.AON"], "artifacts");
        Assert.Equal(["dist/models/a.AON", "dist/x/models/b.AON", "dist/x/y/models/c.AON"], Rel(dir, found));
    }

    [Fact]
    public void A_single_star_folder_matches_exactly_one_level()
    {
        using var dir = Tree("dist/one/model.ALM", "dist/two/model.ALM", "dist/model.ALM", "dist/one/deep/model.ALM");
        var found = FileSet.Resolve(dir.Path, ["dist/*/model.ALM"], "artifacts");
        Assert.Equal(["dist/one/model.ALM", "dist/two/model.ALM"], Rel(dir, found));
    }

    [Fact]
    public void Literal_paths_are_kept_and_a_missing_one_is_bad_input()
    {
        using var dir = Tree("dist/a.ALM");
        Assert.Equal(["dist/a.ALM"], Rel(dir, FileSet.Resolve(dir.Path, ["dist/a.ALM"], "artifacts")));
        var e = Assert.Throws<BadInputException>(() => FileSet.Resolve(dir.Path, ["dist/b.ALM"], "artifacts"));
        Assert.Contains("'dist/b.ALM' in the 'artifacts' input does not exist", e.Problem);
    }

    [Fact]
    public void A_pattern_matching_nothing_warns_and_an_input_matching_nothing_is_bad_input()
    {
        using var dir = Tree("dist/a.ALM");
        var warnings = new List<string>();
        Assert.Single(FileSet.Resolve(dir.Path, ["dist/*.ALM", "dist/**/*.AON"], "artifacts", warnings.Add));
        Assert.Equal(["'dist/**/*.AON' in the 'artifacts' input matches no file."], warnings);
        Assert.Throws<BadInputException>(() => FileSet.Resolve(dir.Path, ["nowhere/**/*.AON"], "artifacts"));
    }
}
