using System.Text;

namespace Ava.Compiler.Jvm;

/// <summary>
/// The symbol names a JVM (HotSpot, ART) looks up for a native method, per the JNI specification's "Resolving Native
/// Method Names": <c>Java_</c> + mangled class name + <c>_</c> + mangled method name, then the same + <c>__</c> + the
/// mangled argument signature. Mangling: '/' and '.' become '_', '_' becomes _1, ';' _2, '[' _3, any other character
/// that is not an ASCII letter or digit _0xxxx (its UTF-16 code unit in lowercase hex). ART prints both forms in its
/// UnsatisfiedLinkError ("tried Java_... and Java_...__...").
/// </summary>
public static class JniNames
{
    public static string Short(string className, string methodName) =>
        $"Java_{Mangle(className.Replace('.', '/'))}_{Mangle(methodName)}";

    public static string Long(string className, string methodName, string descriptor)
    {
        var close = descriptor.IndexOf(')');
        var args = descriptor.StartsWith('(') && close > 0 ? descriptor[1..close] : descriptor;
        return $"{Short(className, methodName)}__{Mangle(args)}";
    }

    /// <summary>JNI's escaping of a class name (with '/'), method name or argument signature.</summary>
    public static string Mangle(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')) sb.Append(c);
            else if (c == '/') sb.Append('_');
            else if (c == '_') sb.Append("_1");
            else if (c == ';') sb.Append("_2");
            else if (c == '[') sb.Append("_3");
            else sb.Append("_0").Append(((int)c).ToString("x4"));
        }
        return sb.ToString();
    }
}
