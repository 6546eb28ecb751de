using Ava.Compiler.Errors;

namespace Ava.Compiler.Binary;

/// <summary>The one way a reader reports damaged input: a bad-input error (exit 2) naming the file and what is wrong.</summary>
internal static class Malformed
{
    public static BadInputException Error(string path, string what) =>
        new($"{path} is damaged or not a supported file: {what}.",
            "Pass an intact ELF or Mach-O object, shared library, ar archive or (gzip) tar; if it came from a download or a build, produce it again.");

    public static void Check(bool condition, string path, string what)
    {
        if (!condition) throw Error(path, what);
    }
}
