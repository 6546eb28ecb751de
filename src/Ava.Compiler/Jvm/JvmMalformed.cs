using Ava.Compiler.Errors;

namespace Ava.Compiler.Jvm;

/// <summary>Damaged Java input (class file, DEX, jar/aar/apk) is bad input (exit 2) naming the file and the damage.</summary>
internal static class JvmMalformed
{
    public static BadInputException Error(string path, string what) =>
        new($"{path} is damaged or not a supported file: {what}.",
            "Pass the intact tvm4j jar, .aar or .apk the app is built from (a class file, a jar/aar/apk zip or a classes.dex); if it came from a download or a build, produce it again.");

    public static void Check(bool condition, string path, string what)
    {
        if (!condition) throw Error(path, what);
    }
}
