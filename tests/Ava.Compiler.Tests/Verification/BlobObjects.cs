using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification;

/// <summary>
/// Device objects built the way the fixtures are: tests/fixtures/tvm/src/tvm_blob.py writes the packed blob in TVM's
/// real serialisation and clang-14 compiles devc.c around it. Metadata text is written verbatim when
/// <c>rawMetadata</c> is set (to make malformed ones); otherwise re-dumped as MLC's json.dumps does.
/// </summary>
public static class BlobObjects
{
    private static string Src => RepoPaths.Combine("tests", "fixtures", "tvm", "src");

    /// <summary>Builds <c>&lt;prefix&gt;devc.o</c> in <paramref name="folder"/> and returns its path.</summary>
    public static string Devc(string folder, string? metadataJson, string layout = "new", string prefix = "gemma2_q4f16_1_", bool raw = false)
    {
        Directory.CreateDirectory(folder);
        var inc = Path.Combine(folder, "blob.inc");
        var args = new List<string> { Path.Combine(Src, "tvm_blob.py"), "--layout", layout, "--out", inc };
        if (metadataJson is not null)
        {
            var meta = Path.Combine(folder, "metadata.json");
            File.WriteAllText(meta, metadataJson);
            args.AddRange(["--metadata", meta]);
            if (raw) args.Add("--raw");
        }
        Programs.Ok("python3", [.. args]);
        var obj = Path.Combine(folder, prefix + "devc.o");
        Programs.Ok("clang-14", "-O1", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fno-ident", "-I", Src,
            "--target=aarch64-linux-android24", "-fPIC", $"-DGEN={(layout == "old" ? 20 : 22)}", $"-DPREFIX={prefix}",
            $"-DBLOB_BYTES=\"{inc}\"", "-c", Path.Combine(Src, "devc.c"), "-o", obj);
        File.Delete(inc);
        return obj;
    }

    /// <summary>The fixture metadata (gemma2 q4f16_1, three parameters) as text, optionally edited.</summary>
    public static string GemmaMetadata(Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(Src, "metadata-gemma2_q4f16_1.json"));
        return edit is null ? text : edit(text);
    }
}
