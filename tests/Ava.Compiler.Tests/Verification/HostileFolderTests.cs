using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// Folders given to <c>alc verify</c> and <c>--source</c> (whose content is hashed through <see cref="KeyBuilder.AddDirectory"/>),
/// built by the test: links out, loops, pipes and devices are refused with exit 2 naming the entry, never followed,
/// opened or looped on; the Hugging Face cache's snapshot links into blobs/ keep working.
/// </summary>
public class HostileFolderTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string ModelFolder(TempDir dir)
    {
        var folder = Directory.CreateDirectory(dir["model"]).FullName;
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), Path.Combine(folder, "lib0.o"));
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        return folder;
    }

    private static async Task<AlcResult> Verify(string folder) =>
        await AlcRun.RunAsync(Path.GetDirectoryName(folder)!, (IReadOnlyDictionary<string, string>?)null, "verify", Path.GetFileName(folder), "--json").WaitAsync(Limit);

    private static string Problem(AlcResult r)
    {
        using var doc = r.Json();
        return doc.RootElement.GetProperty("error").GetProperty("problem").GetString()!;
    }

    public static TheoryData<string, string, string> HostileEntries => new()
    {
        // kind, entry name, what the error must say
        { "link-to-root", "root", "outside the folder" },
        { "link-to-etc-file", "passwd", "outside the folder" },
        { "link-to-dev-zero", "zeros.bin", "outside the folder" },
        { "fifo", "pipe.bin", "FIFO" },
        { "link-loop", "a", "symbolic link loop" },
        { "folder-loop", "sub/up", "folder loop" },
        { "dangling", "gone", "broken symbolic link" },
    };

    private static void Make(string folder, string kind, string name)
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case "link-to-root": File.CreateSymbolicLink(path, "/"); break;
            case "link-to-etc-file": File.CreateSymbolicLink(path, "/etc/passwd"); break;
            case "link-to-dev-zero": File.CreateSymbolicLink(path, "/dev/zero"); break;
            case "fifo": Programs.Ok("mkfifo", path); break;
            case "link-loop":
                File.CreateSymbolicLink(path, "b");
                File.CreateSymbolicLink(Path.Combine(folder, "b"), "a");
                break;
            case "folder-loop": Directory.CreateSymbolicLink(path, ".."); break;
            case "dangling": File.CreateSymbolicLink(path, "missing-file"); break;
        }
    }

    [Theory]
    [MemberData(nameof(HostileEntries))]
    public async Task Verify_refuses_a_folder_with_a_hostile_entry_as_bad_input_naming_it(string kind, string name, string says)
    {
        using var dir = new TempDir();
        var folder = ModelFolder(dir);
        Make(folder, kind, name);

        var r = await Verify(folder);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.Contains("model/" + (kind == "link-loop" ? "" : name), Problem(r));
        Assert.Contains(says, Problem(r));
    }

    [Theory]
    [MemberData(nameof(HostileEntries))]
    public async Task A_source_folder_with_a_hostile_entry_is_refused_before_any_file_is_hashed(string kind, string name, string says)
    {
        using var dir = new TempDir();
        var folder = ModelFolder(dir);
        Make(folder, kind, name);

        // WaitAsync: a hang (the FIFO or /dev/zero opened) fails the test with a timeout instead of stalling the suite.
        var e = await Assert.ThrowsAsync<BadInputException>(() => Task.Run(() => new KeyBuilder().AddDirectory("model", folder, new HashCache())).WaitAsync(Limit));
        Assert.Contains(says, e.Problem);
    }

    [Fact]
    public async Task A_folder_with_only_regular_files_and_links_inside_it_is_read()
    {
        using var dir = new TempDir();
        var folder = ModelFolder(dir);
        Directory.CreateDirectory(Path.Combine(folder, "real"));
        File.Copy(Fixtures.Tvm("v022-android-lib0.o"), Path.Combine(folder, "real", "devc.bin"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "alias"), "real");

        var r = await Verify(folder);

        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.Contains(FolderWalk.Files(folder), f => f.RelativePath == "alias/devc.bin");
    }

    [Fact]
    public void A_hugging_face_snapshot_links_into_blobs_and_is_walked()
    {
        using var dir = new TempDir();
        var model = Directory.CreateDirectory(dir["hub/models--google--gemma-3-1b-it"]).FullName;
        Directory.CreateDirectory(Path.Combine(model, "blobs"));
        var snapshot = Directory.CreateDirectory(Path.Combine(model, "snapshots", "dcc83ea841ab6100d6b47a070329e1ba4cf78752")).FullName;
        File.WriteAllText(Path.Combine(model, "blobs", "1b3c"), "{}");
        File.CreateSymbolicLink(Path.Combine(snapshot, "config.json"), "../../blobs/1b3c");

        var files = FolderWalk.Files(snapshot);

        var f = Assert.Single(files);
        Assert.Equal("config.json", f.RelativePath);
        Assert.Equal(2, f.Length);
        Assert.Equal(Path.Combine(model, "blobs", "1b3c"), f.FullPath);
    }

    [Fact]
    public void A_link_out_of_an_ordinary_folder_into_a_sibling_is_refused_even_beside_blobs()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["x/blobs"]);
        File.WriteAllText(dir["x/blobs/1b3c"], "{}");
        var folder = Directory.CreateDirectory(dir["x/model"]).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "config.json"), "../blobs/1b3c");

        var e = Assert.Throws<BadInputException>(() => FolderWalk.Files(folder));
        Assert.Contains("outside the folder", e.Problem);
    }

    [Fact]
    public void The_walk_is_bounded_in_files_and_depth_with_a_clear_error()
    {
        using var dir = new TempDir();
        var folder = ModelFolder(dir);
        var deep = folder;
        for (var i = 0; i < 6; i++) deep = Directory.CreateDirectory(Path.Combine(deep, $"d{i}")).FullName;
        for (var i = 0; i < 10; i++) File.WriteAllText(Path.Combine(folder, $"f{i}"), "x");

        var files = Assert.Throws<BadInputException>(() => FolderWalk.Files(folder, "model", FolderWalkOptions.Default.WithMaxFiles(5)));
        var depth = Assert.Throws<BadInputException>(() => FolderWalk.Files(folder, "model", FolderWalkOptions.Default.WithMaxDepth(3)));

        Assert.Contains("more than 5 files", files.Problem);
        Assert.Contains("more than 3 folders deep", depth.Problem);
    }

    [Fact]
    public async Task A_system_folder_such_as_proc_is_bad_input_not_an_internal_error()
    {
        var r = await AlcRun.RunAsync("/", (IReadOnlyDictionary<string, string>?)null, "verify", "/proc/self", "--json").WaitAsync(Limit);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
    }

    [Fact]
    public async Task A_FIFO_or_device_given_directly_is_refused_without_opening_it()
    {
        using var dir = new TempDir();
        Programs.Ok("mkfifo", dir["pipe"]);

        var fifo = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "verify", "pipe", "--json").WaitAsync(Limit);
        var zero = await AlcRun.RunAsync(dir.Path, (IReadOnlyDictionary<string, string>?)null, "verify", "/dev/zero", "--json").WaitAsync(Limit);

        Assert.Equal(2, fifo.ExitCode);
        Assert.Contains("FIFO", Problem(fifo));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("character device", Problem(zero));
    }
}
