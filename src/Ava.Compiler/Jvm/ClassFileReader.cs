using System.Buffers.Binary;

namespace Ava.Compiler.Jvm;

/// <summary>
/// Reads the class name and the <c>native</c> methods of a class file (JVMS §4: magic, constant pool, access flags,
/// this_class, interfaces, fields, methods with ACC_NATIVE 0x0100). Every count and index is bounds-checked; damage is
/// a <see cref="Errors.BadInputException"/> naming the file.
/// </summary>
public static class ClassFileReader
{
    public const uint Magic = 0xCAFEBABE;
    internal const int AccNative = 0x0100;

    public static bool Sniff(ReadOnlySpan<byte> head) => head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == Magic;

    public static JvmClass Read(byte[] data, string path)
    {
        var r = new Cursor(data, path);
        JvmMalformed.Check(r.U4() == Magic, path, "it does not start with the class-file magic CAFEBABE");
        r.U2(); // minor_version
        var major = r.U2();
        JvmMalformed.Check(major is >= 45 and <= 255, path, $"class-file major version {major} is not a Java class version");

        var count = r.U2();
        JvmMalformed.Check(count >= 1, path, "the constant pool count is 0");
        var tags = new byte[count];
        var utf8 = new string?[count];
        var classNameIndex = new ushort[count];
        for (var i = 1; i < count; i++)
        {
            var tag = r.U1();
            tags[i] = tag;
            switch (tag)
            {
                case 1:
                    var len = r.U2();
                    utf8[i] = ModifiedUtf8.Decode(r.Bytes(len)) ?? throw JvmMalformed.Error(path, $"constant #{i} is not valid modified UTF-8");
                    break;
                case 7: classNameIndex[i] = r.U2(); break;
                case 8 or 16 or 19 or 20: r.U2(); break;
                case 15: r.Bytes(3); break;
                case 3 or 4 or 9 or 10 or 11 or 12 or 17 or 18: r.Bytes(4); break;
                case 5 or 6:
                    r.Bytes(8);
                    JvmMalformed.Check(i + 1 < count, path, $"the 8-byte constant #{i} is the last slot of the constant pool");
                    i++; // a long or double takes two slots (JVMS §4.4.5)
                    break;
                default: throw JvmMalformed.Error(path, $"constant #{i} has unknown tag {tag}");
            }
        }

        string Utf8(int index, string what) =>
            index > 0 && index < count && tags[index] == 1 ? utf8[index]! : throw JvmMalformed.Error(path, $"the {what} points to constant #{index}, which is not a UTF-8 constant");

        r.U2(); // access_flags
        var thisClass = r.U2();
        JvmMalformed.Check(thisClass > 0 && thisClass < count && tags[thisClass] == 7, path, $"this_class points to constant #{thisClass}, which is not a class constant");
        var internalName = Utf8(classNameIndex[thisClass], "class name");
        var className = internalName.Replace('/', '.');
        r.U2(); // super_class
        r.Bytes(r.U2() * 2); // interfaces

        var fields = r.U2();
        for (var i = 0; i < fields; i++) SkipMember(ref r);

        var natives = new List<JvmNativeMethod>();
        var methods = r.U2();
        for (var i = 0; i < methods; i++)
        {
            var access = r.U2();
            var name = Utf8(r.U2(), $"method #{i} name");
            var descriptor = Utf8(r.U2(), $"method #{i} descriptor");
            SkipAttributes(ref r);
            if ((access & AccNative) != 0)
            {
                JvmMalformed.Check(descriptor.StartsWith('(') && descriptor.Contains(')'), path, $"native method {name} has the descriptor '{descriptor}', which is not a method descriptor");
                natives.Add(new JvmNativeMethod(className, name, descriptor, path));
            }
        }
        SkipAttributes(ref r);
        return new JvmClass(className, natives);
    }

    private static void SkipMember(ref Cursor r)
    {
        r.Bytes(6); // access, name, descriptor
        SkipAttributes(ref r);
    }

    private static void SkipAttributes(ref Cursor r)
    {
        var n = r.U2();
        for (var i = 0; i < n; i++)
        {
            r.U2();
            r.Bytes(checked((int)Math.Min(r.U4(), int.MaxValue)));
        }
    }

    /// <summary>A forward reader over the class bytes; running past the end is damage.</summary>
    private ref struct Cursor(byte[] data, string path)
    {
        private int _at;

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || n > data.Length - _at) throw JvmMalformed.Error(path, $"a table runs past the end of the {data.Length}-byte class file");
            var s = data.AsSpan(_at, n);
            _at += n;
            return s;
        }

        public byte U1() => Bytes(1)[0];

        public ushort U2() => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));

        public uint U4() => BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
    }
}
