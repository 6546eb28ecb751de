using System.IO.Compression;
using System.Text;
using Ava.Compiler.Abi;
using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Verification.AppChain;

/// <summary>
/// Builds the pieces of an Android app's TVM stack at test time, into a temp folder, with real tools: tvm4j's LibInfo in
/// the shape of a TVM tag (Java source generated from abi/tvm4j-natives.json's declarations, compiled by javac, packed
/// by jar), JNI bridges and runtimes compiled by clang-14 for aarch64-linux-android and linked by ld.lld-14 (the bridge
/// against the runtime, so it carries DT_NEEDED as a real build does), and .aar / .apk zips of them.
/// </summary>
internal sealed class AppStack : IDisposable
{
    public const string V020 = "v0.20.0";
    public const string V022 = "v0.22.0";
    private const string Lld = "/usr/bin/ld.lld-14";

    /// <summary>What the upstream bridges call (apache/tvm jvm/native/src/main/native/org_apache_tvm_native_c_api.cc at each tag).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> BridgeImports = new Dictionary<string, string[]>
    {
        // 9dbf3f22 :167 :181 :241 :304 :316 :325, and TVMFFIErrorMoveFromRaised behind details::MoveFromSafeCallRaised (:78).
        [V022] = ["TVMFFIFunctionGetGlobal", "TVMFFIFunctionCall", "TVMFFIAnyViewToOwnedAny", "TVMFFIFunctionCreate", "TVMFFIFunctionSetGlobal", "TVMFFIObjectDecRef", "TVMFFIErrorMoveFromRaised"],
        // 1c60502c :72 :155 :177 :185 :211 :348 :360 :369 :374 :384 :396 :409 :445 :483
        [V020] = ["TVMGetLastError", "TVMFuncListGlobalNames", "TVMFuncFree", "TVMFuncGetGlobal", "TVMFuncCall", "TVMFuncCreateFromCFunc", "TVMFuncRegisterGlobal", "TVMModFree", "TVMModImport", "TVMModGetFunction", "TVMArrayFree", "TVMArrayAlloc", "TVMArrayCopyFromTo", "TVMSynchronize"],
    };

    public static readonly Tvm4jNatives Table = new AbiCatalog().Tvm4jNatives();

    private readonly TempDir _dir = new("app");

    public string Root => _dir.Path;

    public string this[string relative] => _dir[relative];

    public static Tvm4jGeneration Generation(string tag) => Table.Generations.Single(g => g.Id == tag);

    /// <summary>tvm4j_core.jar with LibInfo declaring the natives of <paramref name="tag"/>.</summary>
    public string Jar(string tag, string name = "tvm4j_core.jar")
    {
        var classes = Classes(tag);
        var jar = _dir[$"{tag}/{name}"];
        Programs.Ok("jar", "--create", "--file", jar, "-C", classes, ".");
        return jar;
    }

    /// <summary>The compiled class files of LibInfo (and the stubs its signatures name) for <paramref name="tag"/>.</summary>
    public string Classes(string tag)
    {
        var src = _dir[$"{tag}/src/org/apache/tvm"];
        var outDir = _dir[$"{tag}/classes"];
        if (Directory.Exists(outDir)) return outDir;
        Directory.CreateDirectory(src);
        var g = Generation(tag);
        var java = new StringBuilder("package org.apache.tvm;\n\nclass LibInfo {\n");
        foreach (var n in g.Natives) java.Append("  native ").Append(JavaSignature(n.Name, n.Descriptor)).Append(";\n");
        java.Append("}\n");
        File.WriteAllText(Path.Combine(src, "LibInfo.java"), java.ToString());
        // The tvm4j types the signatures name, as empty classes (javac needs them; their content does not matter here).
        File.WriteAllText(Path.Combine(src, "Base.java"), "package org.apache.tvm;\npublic class Base { public static class RefLong {} public static class RefTVMValue {} }\n");
        File.WriteAllText(Path.Combine(src, "Device.java"), "package org.apache.tvm;\npublic class Device {}\n");
        File.WriteAllText(Path.Combine(src, "Function.java"), "package org.apache.tvm;\npublic class Function { public interface Callback {} }\n");
        Programs.Ok("javac", ["--release", "8", "-nowarn", "-d", outDir, .. Directory.GetFiles(src, "*.java")]);
        return outDir;
    }

    /// <summary>A Java declaration from a descriptor: (Ljava/lang/String;Lorg/apache/tvm/Base$RefLong;)I → int name(String a0, Base.RefLong a1).</summary>
    private static string JavaSignature(string name, string descriptor)
    {
        var ps = new List<string>();
        var i = 1;
        string Type()
        {
            var dims = 0;
            while (descriptor[i] == '[') { dims++; i++; }
            string t;
            if (descriptor[i] == 'L')
            {
                var end = descriptor.IndexOf(';', i);
                t = descriptor[(i + 1)..end].Replace('/', '.').Replace('$', '.');
                i = end + 1;
            }
            else
            {
                t = descriptor[i] switch { 'I' => "int", 'J' => "long", 'D' => "double", 'F' => "float", 'Z' => "boolean", 'B' => "byte", 'C' => "char", 'S' => "short", 'V' => "void", var c => throw new InvalidOperationException($"descriptor char {c}") };
                i++;
            }
            return t + string.Concat(Enumerable.Repeat("[]", dims));
        }
        while (descriptor[i] != ')') ps.Add(Type());
        i++;
        var ret = Type();
        return $"{ret} {name}({string.Join(", ", ps.Select((p, k) => $"{p} a{k}"))})";
    }

    /// <summary>The runtime: libtvm_ffi.so (TVMFFI*) and libtvm_runtime.so (the rest, DT_NEEDED libtvm_ffi.so) as a standard v0.22 build lays them out; or the old single-file C API runtime.</summary>
    public string Runtime(string folder, bool old = false)
    {
        var dir = _dir[folder];
        Directory.CreateDirectory(dir);
        var runtimeSrc = RepoPaths.Combine("tests", "fixtures", "tvm", "src", "runtime.c");
        var obj = Path.Combine(dir, "runtime.o");
        Cc(runtimeSrc, obj, old ? ["-DOLD_RUNTIME"] : []);
        if (old)
        {
            Ld(Path.Combine(dir, "libtvm_runtime.so"), "libtvm_runtime.so", null, obj);
        }
        else
        {
            Ld(Path.Combine(dir, "libtvm_ffi.so"), "libtvm_ffi.so", "{ global: TVMFFI*; local: *; };", obj);
            Ld(Path.Combine(dir, "libtvm_runtime.so"), "libtvm_runtime.so", "{ global: TVMBackend*; local: *; };", obj, Path.Combine(dir, "libtvm_ffi.so"));
        }
        File.Delete(obj);
        return dir;
    }

    /// <summary>
    /// libtvm4j.so exporting <paramref name="tag"/>'s JNI names and calling that tag's TVM functions, linked against the
    /// runtime in <paramref name="folder"/>. <paramref name="packed"/>: the TVM4J_ANDROID form that compiles the runtime
    /// in (here: the old C API defined inside), so it imports nothing from TVM. <paramref name="dynamic"/>: no Java_
    /// exports, a JNI_OnLoad that would call RegisterNatives instead.
    /// </summary>
    public string Bridge(string folder, string tag, string[]? extraImports = null, bool packed = false, bool dynamic = false, string name = "libtvm4j.so")
    {
        var dir = _dir[folder];
        Directory.CreateDirectory(dir);
        var g = Generation(tag);
        var c = new StringBuilder("/* stand-in JNI bridge built by AppStack */\n");
        var imports = BridgeImports[tag].Concat(extraImports ?? []).ToList();
        if (packed) foreach (var s in imports) c.Append($"int {s}(void) {{ return 0; }}\n");
        else foreach (var s in imports) c.Append($"extern int {s}(void);\n");
        c.Append("static int use_runtime(void) { return 0");
        foreach (var s in imports) c.Append($" + {s}()");
        c.Append("; }\n");
        if (dynamic)
        {
            c.Append("static const char *const method_names[] = {");
            foreach (var n in g.Natives) c.Append($"\"{n.Name}\", ");
            c.Append("0};\nint JNI_OnLoad(void *vm, void *reserved) { (void)vm; (void)reserved; return method_names[0] != 0 ? 0x00010006 + use_runtime() : -1; }\n");
        }
        else
        {
            foreach (var n in g.Natives) c.Append($"int {Jvm.JniNames.Short(n.Class, n.Name)}(void) {{ return use_runtime(); }}\n");
        }
        var src = Path.Combine(dir, Path.GetFileNameWithoutExtension(name) + ".c");
        File.WriteAllText(src, c.ToString());
        var obj = Path.ChangeExtension(src, ".o");
        Cc(src, obj, []);
        var libs = packed ? [] : Directory.GetFiles(dir, "libtvm_*.so").Order(StringComparer.Ordinal).ToArray();
        Ld(Path.Combine(dir, name), name, null, [obj, .. libs]);
        File.Delete(src);
        File.Delete(obj);
        return Path.Combine(dir, name);
    }

    /// <summary>An .aar: classes.jar, jni/arm64-v8a/*.so (and an x86_64 copy, which must be skipped), AndroidManifest.xml.</summary>
    public string Aar(string name, string jar, string jniLibs)
    {
        var path = _dir[name];
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        zip.CreateEntryFromFile(jar, "classes.jar");
        foreach (var so in Directory.GetFiles(jniLibs, "*.so").Order(StringComparer.Ordinal))
        {
            zip.CreateEntryFromFile(so, $"jni/arm64-v8a/{Path.GetFileName(so)}");
            zip.CreateEntryFromFile(so, $"jni/x86_64/{Path.GetFileName(so)}");
        }
        var manifest = zip.CreateEntry("AndroidManifest.xml");
        using (var w = new StreamWriter(manifest.Open())) w.Write("<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"org.apache.tvm\"/>\n");
        return path;
    }

    /// <summary>An .apk made by zipping the pieces: classes.dex (written by <see cref="DexWriter"/> from the tag's natives) and lib/arm64-v8a/*.so.</summary>
    public string Apk(string name, string tag, string jniLibs)
    {
        var dex = DexWriter.Write([new DexWriter.DexClass("org.apache.tvm.LibInfo", Generation(tag).Natives.Select(n => new DexWriter.NativeMethod(n.Name, n.Descriptor)).ToList())]);
        var path = _dir[name];
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("classes.dex").Open()) s.Write(dex);
        foreach (var so in Directory.GetFiles(jniLibs, "*.so").Order(StringComparer.Ordinal))
            zip.CreateEntryFromFile(so, $"lib/arm64-v8a/{Path.GetFileName(so)}", CompressionLevel.NoCompression);
        return path;
    }

    private static void Cc(string src, string obj, string[] extra) =>
        Programs.Ok("clang-14", ["-O1", "-fno-asynchronous-unwind-tables", "-fno-ident", "--target=aarch64-linux-android24", "-fPIC", .. extra, "-c", src, "-o", obj]);

    private static void Ld(string output, string soname, string? versionScript, params string[] inputs)
    {
        var args = new List<string> { "-shared", "--hash-style=gnu", "--build-id=none", "-soname", soname, "-o", output };
        if (versionScript is not null)
        {
            var script = output + ".map";
            File.WriteAllText(script, versionScript + "\n");
            args.AddRange(["--version-script", script]);
        }
        args.AddRange(inputs);
        Programs.Ok(Lld, [.. args]);
        if (versionScript is not null) File.Delete(output + ".map");
    }

    public void Dispose() => _dir.Dispose();
}
