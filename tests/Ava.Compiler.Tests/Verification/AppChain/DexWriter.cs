using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ava.Compiler.Tests.Verification.AppChain;

/// <summary>
/// A minimal DEX writer for tests: Debian has no d8/dx/dalvik-exchange (apt-cache search dex finds only dexdump and
/// dexlist), so the .apk tests write classes.dex themselves, and a test runs Android's own dexdump (Debian package
/// dexdump, which verifies the file) on the output to prove it is a real DEX file. It writes classes with native
/// virtual methods only (what tvm4j's LibInfo is): header, sorted string/type/proto/method ids, class_defs, type_lists,
/// class_data, string_data and the map_list, with the SHA-1 signature and the Adler-32 checksum filled in.
/// </summary>
internal static class DexWriter
{
    public sealed record NativeMethod(string Name, string Descriptor);

    public sealed record DexClass(string Name, IReadOnlyList<NativeMethod> Natives);

    public static byte[] Write(IReadOnlyList<DexClass> classes)
    {
        static string ClassDescriptor(string name) => "L" + name.Replace('.', '/') + ";";
        static (string Return, List<string> Params) Split(string descriptor)
        {
            var ps = new List<string>();
            var i = 1;
            while (descriptor[i] != ')')
            {
                var start = i;
                while (descriptor[i] == '[') i++;
                i = descriptor[i] == 'L' ? descriptor.IndexOf(';', i) + 1 : i + 1;
                ps.Add(descriptor[start..i]);
            }
            return (descriptor[(i + 1)..], ps);
        }
        static string Shorty(string ret, List<string> ps) => string.Concat(new[] { ret }.Concat(ps).Select(t => t[0] is 'L' or '[' ? "L" : t[..1]));

        const string Object = "Ljava/lang/Object;";
        var methods = classes.SelectMany(c => c.Natives.Select(m => (Class: ClassDescriptor(c.Name), m.Name, Sig: Split(m.Descriptor)))).ToList();
        var strings = new SortedSet<string>(StringComparer.Ordinal) { Object };
        foreach (var c in classes) strings.Add(ClassDescriptor(c.Name));
        foreach (var m in methods)
        {
            strings.Add(m.Name);
            strings.Add(m.Sig.Return);
            foreach (var p in m.Sig.Params) strings.Add(p);
            strings.Add(Shorty(m.Sig.Return, m.Sig.Params));
        }
        var stringList = strings.ToList();
        var stringIndex = stringList.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var typeNames = new SortedSet<string>(StringComparer.Ordinal) { Object };
        foreach (var c in classes) typeNames.Add(ClassDescriptor(c.Name));
        foreach (var m in methods) { typeNames.Add(m.Sig.Return); foreach (var p in m.Sig.Params) typeNames.Add(p); }
        var types = typeNames.ToList(); // string order = string-index order
        var typeIndex = types.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);

        var protos = methods.Select(m => (Ret: typeIndex[m.Sig.Return], Params: m.Sig.Params.Select(p => typeIndex[p]).ToArray(), Shorty: Shorty(m.Sig.Return, m.Sig.Params)))
            .DistinctBy(p => (p.Ret, string.Join(",", p.Params)))
            .OrderBy(p => p.Ret).ThenBy(p => p.Params, ParamsComparer.Instance).ToList();
        int ProtoOf((string Return, List<string> Params) sig) =>
            protos.FindIndex(p => p.Ret == typeIndex[sig.Return] && p.Params.SequenceEqual(sig.Params.Select(x => typeIndex[x])));
        var methodIds = methods.Select(m => (Class: typeIndex[m.Class], Name: stringIndex[m.Name], Proto: ProtoOf(m.Sig)))
            .OrderBy(m => m.Class).ThenBy(m => m.Name).ThenBy(m => m.Proto).ToList();
        var classDefs = classes.OrderBy(c => typeIndex[ClassDescriptor(c.Name)]).ToList();

        // Layout.
        const int header = 0x70;
        var stringIdsOff = header;
        var typeIdsOff = stringIdsOff + 4 * stringList.Count;
        var protoIdsOff = typeIdsOff + 4 * types.Count;
        var methodIdsOff = protoIdsOff + 12 * protos.Count;
        var classDefsOff = methodIdsOff + 8 * methodIds.Count;
        var dataOff = classDefsOff + 32 * classDefs.Count;

        var data = new MemoryStream();
        void Align4() { while ((dataOff + data.Length) % 4 != 0) data.WriteByte(0); }
        void U2(int v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); data.Write(b); }
        void U4(long v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)v); data.Write(b); }
        void Uleb(uint v) { do { var b = (byte)(v & 0x7f); v >>= 7; data.WriteByte(v != 0 ? (byte)(b | 0x80) : b); } while (v != 0); }

        var typeListOffsets = new int[protos.Count];
        var typeListStart = -1;
        var typeListCount = 0;
        for (var i = 0; i < protos.Count; i++)
        {
            if (protos[i].Params.Length == 0) continue;
            Align4();
            typeListOffsets[i] = dataOff + (int)data.Length;
            if (typeListStart < 0) typeListStart = typeListOffsets[i];
            typeListCount++;
            U4(protos[i].Params.Length);
            foreach (var p in protos[i].Params) U2(p);
        }
        var classDataStart = dataOff + (int)data.Length;
        var classDataOffsets = new int[classDefs.Count];
        for (var c = 0; c < classDefs.Count; c++)
        {
            classDataOffsets[c] = dataOff + (int)data.Length;
            var own = methodIds.Select((m, i) => (m, i)).Where(x => x.m.Class == typeIndex[ClassDescriptor(classDefs[c].Name)]).Select(x => x.i).ToList();
            Uleb(0); Uleb(0); Uleb(0); Uleb((uint)own.Count);
            var prev = 0;
            foreach (var idx in own) { Uleb((uint)(idx - prev)); prev = idx; Uleb(0x0100); Uleb(0); }
        }
        var stringDataStart = dataOff + (int)data.Length;
        var stringDataOffsets = new int[stringList.Count];
        for (var i = 0; i < stringList.Count; i++)
        {
            stringDataOffsets[i] = dataOff + (int)data.Length;
            Uleb((uint)stringList[i].Length);
            data.Write(Encoding.ASCII.GetBytes(stringList[i]));
            data.WriteByte(0);
        }
        Align4();
        var mapOff = dataOff + (int)data.Length;
        var map = new List<(int Type, int Size, int Offset)>
        {
            (0x0000, 1, 0), (0x0001, stringList.Count, stringIdsOff), (0x0002, types.Count, typeIdsOff),
            (0x0003, protos.Count, protoIdsOff), (0x0005, methodIds.Count, methodIdsOff), (0x0006, classDefs.Count, classDefsOff),
        };
        if (typeListCount > 0) map.Add((0x1001, typeListCount, typeListStart));
        map.Add((0x2000, classDefs.Count, classDataStart));
        map.Add((0x2002, stringList.Count, stringDataStart));
        map.Add((0x1000, 1, mapOff));
        U4(map.Count);
        foreach (var (type, size, offset) in map) { U2(type); U2(0); U4(size); U4(offset); }

        var file = new byte[dataOff + data.Length];
        data.ToArray().CopyTo(file, dataOff);
        void P4(int at, long v) => BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at), (uint)v);
        void P2(int at, int v) => BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), (ushort)v);
        "dex\n035\0"u8.CopyTo(file);
        P4(32, file.Length); P4(36, header); P4(40, 0x12345678);
        P4(52, mapOff);
        P4(56, stringList.Count); P4(60, stringIdsOff);
        P4(64, types.Count); P4(68, typeIdsOff);
        P4(72, protos.Count); P4(76, protoIdsOff);
        P4(88, methodIds.Count); P4(92, methodIdsOff);
        P4(96, classDefs.Count); P4(100, classDefsOff);
        P4(104, file.Length - dataOff); P4(108, dataOff);
        for (var i = 0; i < stringList.Count; i++) P4(stringIdsOff + 4 * i, stringDataOffsets[i]);
        for (var i = 0; i < types.Count; i++) P4(typeIdsOff + 4 * i, stringIndex[types[i]]);
        for (var i = 0; i < protos.Count; i++)
        {
            P4(protoIdsOff + 12 * i, stringIndex[protos[i].Shorty]);
            P4(protoIdsOff + 12 * i + 4, protos[i].Ret);
            P4(protoIdsOff + 12 * i + 8, typeListOffsets[i]);
        }
        for (var i = 0; i < methodIds.Count; i++)
        {
            P2(methodIdsOff + 8 * i, methodIds[i].Class);
            P2(methodIdsOff + 8 * i + 2, methodIds[i].Proto);
            P4(methodIdsOff + 8 * i + 4, methodIds[i].Name);
        }
        for (var c = 0; c < classDefs.Count; c++)
        {
            var at = classDefsOff + 32 * c;
            P4(at, typeIndex[ClassDescriptor(classDefs[c].Name)]);
            P4(at + 4, 0); // package-private, like tvm4j's LibInfo
            P4(at + 8, typeIndex[Object]);
            P4(at + 16, 0xffffffff); // no source file
            P4(at + 24, classDataOffsets[c]);
        }
        SHA1.HashData(file.AsSpan(32)).CopyTo(file.AsSpan(12));
        P4(8, Adler32(file.AsSpan(12)));
        return file;
    }

    /// <summary>Adler-32 written independently of the reader's (the test must not share the code it checks).</summary>
    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        ulong a = 1, b = 0;
        foreach (var x in data) { a = (a + x) % 65521; b = (b + a) % 65521; }
        return (uint)((b << 16) | a);
    }

    private sealed class ParamsComparer : IComparer<int[]>
    {
        public static readonly ParamsComparer Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
                if (x[i] != y[i]) return x[i].CompareTo(y[i]);
            return x.Length.CompareTo(y.Length);
        }
    }
}
