using System.Buffers.Binary;
using System.Text;

namespace Ava.Compiler.Jvm;

/// <summary>
/// Reads the <c>native</c> methods of a DEX file (Android's "Dalvik Executable format": header, string_ids, type_ids,
/// proto_ids, method_ids, class_defs and each class_data_item's encoded methods, ACC_NATIVE 0x0100). The header's
/// file_size and Adler-32 checksum are checked first, as ART does, so a cut or altered file is reported as damage.
/// Only classes whose name starts with <paramref name="classPrefix"/> are decoded (an app's DEX holds thousands).
/// </summary>
public static class DexReader
{
    private const int HeaderSize = 0x70;
    private const uint EndianConstant = 0x12345678;

    public static bool Sniff(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head[..4].SequenceEqual("dex\n"u8) && head[7] == 0 && char.IsAsciiDigit((char)head[4]) && char.IsAsciiDigit((char)head[5]) && char.IsAsciiDigit((char)head[6]);

    public static IReadOnlyList<JvmClass> Read(byte[] data, string path, string classPrefix = "")
    {
        JvmMalformed.Check(data.Length >= HeaderSize && Sniff(data), path, "it does not start with a DEX header (dex\\n0NN\\0)");
        var d = new Dex(data, path);
        JvmMalformed.Check(d.U4(40) == EndianConstant, path, "the endian tag is not 0x12345678 (byte-swapped DEX files are not used on Android)");
        JvmMalformed.Check(d.U4(32) == (uint)data.Length, path, $"the header says {d.U4(32)} bytes but the file has {data.Length}");
        JvmMalformed.Check(d.U4(8) == Adler32(data.AsSpan(12)), path, "the Adler-32 checksum does not match the contents");

        var (stringCount, stringOff) = d.Table(56, 4, "string_ids");
        var (typeCount, typeOff) = d.Table(64, 4, "type_ids");
        var (protoCount, protoOff) = d.Table(72, 12, "proto_ids");
        var (methodCount, methodOff) = d.Table(88, 8, "method_ids");
        var (classCount, classOff) = d.Table(96, 32, "class_defs");

        var strings = new string?[stringCount];
        string Str(uint index)
        {
            JvmMalformed.Check(index < stringCount, path, $"string index {index} is outside string_ids ({stringCount})");
            return strings[index] ??= d.StringData(d.U4(stringOff + (int)index * 4));
        }
        string TypeName(uint index)
        {
            JvmMalformed.Check(index < typeCount, path, $"type index {index} is outside type_ids ({typeCount})");
            return Str(d.U4(typeOff + (int)index * 4));
        }
        string Descriptor(uint protoIndex)
        {
            JvmMalformed.Check(protoIndex < protoCount, path, $"proto index {protoIndex} is outside proto_ids ({protoCount})");
            var at = protoOff + (int)protoIndex * 12;
            var sb = new StringBuilder("(");
            var paramsOff = d.U4(at + 8);
            if (paramsOff != 0)
            {
                var n = d.U4((int)Math.Min(paramsOff, int.MaxValue));
                JvmMalformed.Check(n <= 255 && paramsOff + 4 + (long)n * 2 <= data.Length, path, $"the parameter list at {paramsOff} runs past the end");
                for (var i = 0; i < n; i++) sb.Append(TypeName(d.U2((int)paramsOff + 4 + i * 2)));
            }
            return sb.Append(')').Append(TypeName(d.U4(at + 4))).ToString();
        }

        var prefix = classPrefix.Length == 0 ? "" : "L" + classPrefix.Replace('.', '/');
        var classes = new List<JvmClass>();
        for (var c = 0; c < classCount; c++)
        {
            var at = classOff + c * 32;
            var descriptor = TypeName(d.U4(at));
            if (!descriptor.StartsWith(prefix, StringComparison.Ordinal)) continue;
            JvmMalformed.Check(descriptor.Length > 2 && descriptor[0] == 'L' && descriptor[^1] == ';', path, $"class_defs[{c}] names '{descriptor}', which is not a class descriptor");
            var className = descriptor[1..^1].Replace('/', '.');
            var natives = new List<JvmNativeMethod>();
            var dataOff = d.U4(at + 24);
            if (dataOff != 0)
            {
                var r = new Leb(data, (int)Math.Min(dataOff, int.MaxValue), path);
                var staticFields = r.Next(); var instanceFields = r.Next();
                var direct = r.Next(); var virt = r.Next();
                for (long i = 0; i < (long)staticFields + instanceFields; i++) { r.Next(); r.Next(); }
                foreach (var count in new[] { direct, virt })
                {
                    uint methodIndex = 0; // method_idx_diff restarts for each list
                    for (long i = 0; i < count; i++)
                    {
                        methodIndex += r.Next();
                        var access = r.Next();
                        r.Next(); // code_off
                        if ((access & ClassFileReader.AccNative) == 0) continue;
                        JvmMalformed.Check(methodIndex < methodCount, path, $"class {className} names method {methodIndex}, outside method_ids ({methodCount})");
                        var m = methodOff + (int)methodIndex * 8;
                        natives.Add(new JvmNativeMethod(className, Str(d.U4(m + 4)), Descriptor(d.U2(m + 2)), $"{path}!{descriptor[1..^1]}"));
                    }
                }
            }
            classes.Add(new JvmClass(className, natives));
        }
        return classes;
    }

    /// <summary>Adler-32 (RFC 1950), the DEX header checksum over everything after the checksum field.</summary>
    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            var n = Math.Min(data.Length, 5552); // the largest run before b can overflow 32 bits
            foreach (var x in data[..n]) { a += x; b += a; }
            a %= 65521; b %= 65521;
            data = data[n..];
        }
        return (b << 16) | a;
    }

    private readonly struct Dex(byte[] data, string path)
    {
        public uint U4(int at)
        {
            JvmMalformed.Check(at >= 0 && at <= data.Length - 4, path, $"an offset ({at}) points past the end of the {data.Length}-byte DEX file");
            return BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
        }

        public ushort U2(int at)
        {
            JvmMalformed.Check(at >= 0 && at <= data.Length - 2, path, $"an offset ({at}) points past the end of the {data.Length}-byte DEX file");
            return BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
        }

        /// <summary>A (size, offset) pair from the header, checked to lie inside the file.</summary>
        public (int Count, int Offset) Table(int at, int itemSize, string name)
        {
            var count = U4(at);
            var off = U4(at + 4);
            JvmMalformed.Check(count == 0 || (off >= HeaderSize && off + (long)count * itemSize <= data.Length), path, $"the {name} table ({count} × {itemSize} bytes at {off}) runs past the end of the file");
            return ((int)count, (int)off);
        }

        /// <summary>string_data_item: a uleb128 UTF-16 length, then modified UTF-8 ending in NUL.</summary>
        public string StringData(uint offset)
        {
            var r = new Leb(data, (int)Math.Min(offset, int.MaxValue), path);
            r.Next();
            var start = r.Position;
            var end = start < data.Length ? Array.IndexOf(data, (byte)0, start) : -1;
            JvmMalformed.Check(end >= 0, path, $"the string at {offset} has no terminating NUL");
            return ModifiedUtf8.Decode(data.AsSpan(start, end - start)) ?? throw JvmMalformed.Error(path, $"the string at {offset} is not valid modified UTF-8");
        }
    }

    /// <summary>A uleb128 reader (at most 5 bytes per value, as the DEX format allows).</summary>
    private ref struct Leb(byte[] data, int at, string path)
    {
        public int Position { get; private set; } = at;

        public uint Next()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                JvmMalformed.Check(Position >= 0 && Position < data.Length, path, "a uleb128 value runs past the end of the DEX file");
                var b = data[Position++];
                value |= (uint)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw JvmMalformed.Error(path, "a uleb128 value is longer than 5 bytes");
        }
    }
}
