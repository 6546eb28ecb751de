using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Compile;

/// <summary>
/// A folder laid out like an Android NDK for the link proof: <c>toolchains/llvm/prebuilt/linux-x86_64/bin/ld.lld</c> is a
/// symlink to Debian's ld.lld-14 (lld picks its ELF flavour from that name), and the API-24 sysroot holds the
/// clang-built stub libc/libm/libdl/liblog of the verification fixtures. Also builds runtimes with clang-14.
/// </summary>
public static class FabricatedNdk
{
    public const string Lld = "/usr/bin/ld.lld-14";

    public static string Create(string root)
    {
        var host = Path.Combine(root, "toolchains", "llvm", "prebuilt", "linux-x86_64");
        Directory.CreateDirectory(Path.Combine(host, "bin"));
        File.CreateSymbolicLink(Path.Combine(host, "bin", "ld.lld"), Lld);
        var sysroot = Directory.CreateDirectory(Path.Combine(host, "sysroot", "usr", "lib", "aarch64-linux-android", "24")).FullName;
        foreach (var lib in new[] { "libc.so", "libm.so", "libdl.so", "liblog.so" })
            File.Copy(Fixtures.Tvm(Path.Combine("sysroot", lib)), Path.Combine(sysroot, lib));
        File.WriteAllText(Path.Combine(root, "source.properties"), "Pkg.Desc = Android NDK\nPkg.Revision = 27.2.12479018\n");
        return root;
    }

    /// <summary>
    /// The v0.22.0 runtime surface built by clang-14 (tests/fixtures/tvm/src/runtime.c) and linked by ld.lld-14; the
    /// symbols in <paramref name="hidden"/> are kept out of its dynamic symbol table, as a runtime built without them.
    /// </summary>
    public static string BuildRuntime(string directory, params string[] hidden)
    {
        Directory.CreateDirectory(directory);
        var obj = Path.Combine(directory, "runtime.o");
        Programs.Ok("clang-14", "-O1", "-fno-asynchronous-unwind-tables", "-fno-ident", "--target=aarch64-linux-android24", "-fPIC",
            "-c", RepoPaths.Combine("tests", "fixtures", "tvm", "src", "runtime.c"), "-o", obj);
        var script = Path.Combine(directory, "exports.map");
        File.WriteAllText(script, hidden.Length == 0 ? "{ global: *; };\n" : $"{{ global: *; local: {string.Join("; ", hidden)}; }};\n");
        var so = Path.Combine(directory, "libtvm_runtime.so");
        Programs.Ok(Lld, "-shared", "--hash-style=gnu", "--build-id=none", "-soname", "libtvm_runtime.so", "--version-script", script, "-o", so, obj);
        return so;
    }
}
