using System.Buffers.Binary;
using System.Text;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Binary;

/// <summary>
/// Reads TVM's packed import blob in place (only the ranges it needs; tensor constants and kernel sources are skipped
/// by offset). The layout, with the upstream lines it follows, is written down in DEVELOPERS.md ("The packed blob and
/// MLC's metadata"); in short, all little-endian dmlc streams:
/// <list type="bullet">
/// <item>blob = u64 nbytes, then (v0.22, apache/tvm@9dbf3f22 src/target/codegen.cc:63-91, 270-279) vec&lt;u64&gt; row_ptr,
/// vec&lt;u64&gt; child_indices, and per module a string type key followed by a string payload unless the key is "_lib";
/// or (2024, apache/tvm@071e94f6 src/target/codegen.cc:81-132) u64 key count, per module key + payload, and
/// "_import_tree" with both vectors last.</item>
/// <item>VM executable (src/runtime/vm/executable.cc:145-286) = u64 magic, string version, vec&lt;VMFuncInfo&gt;,
/// [2026 magic …151E only: memory scopes], constants, vec&lt;i64&gt; instr_offset, vec&lt;i64&gt; instr_data.</item>
/// <item>MLC-LLM's metadata is the constant string its VM function <c>_metadata</c> returns
/// (mlc-llm@7b15b196 compiler_pass/estimate_memory_usage.py:26-35; TVM codegen_vm.cc:74-102 lowers it to
/// <c>Call vm.builtin.copy(ConstIdx k) -&gt; r; Ret r</c>). The reader follows that bytecode rather than searching strings.</item>
/// </list>
/// </summary>
internal static class TvmBlobReader
{
    /// <summary>Blob symbol suffixes by generation (tvm-ffi@9a6ec6ee include/tvm/ffi/extra/module.h:266-277; v0.21's
    /// single-underscore name; apache/tvm ≤ v0.20 include/tvm/runtime/module.h:286-288).</summary>
    public static readonly string[] BlobSuffixes = ["__tvm_ffi__library_bin", "__tvm_ffi_library_bin", "__tvm_dev_mblob"];

    public const ulong MagicV1 = 0xD225DE2F4214151D; // executable.cc:40 at v0.22
    public const ulong MagicV2 = 0xD225DE2F4214151E; // apache/tvm 8e40211388 (#18523, 2026-01): adds the memory-scope section

    /// <summary>Largest metadata string read (the JSON of a 70B model is a few hundred KB).</summary>
    private const long MaxMetadataBytes = 64L << 20;

    private const int KindVmFunc = 1; // VMFuncInfo::FuncKind::kVMFunc (include/tvm/runtime/vm/executable.h:54-60)
    private const long OpCall = 1, OpRet = 2; // bytecode.h:56-60
    private const int ArgRegister = 0, ArgConstIdx = 2; // bytecode.h:92

    public static bool IsBlobSymbol(ReadOnlySpan<byte> name)
    {
        foreach (var suffix in BlobSuffixes)
            if (name.EndsWith(Encoding.ASCII.GetBytes(suffix))) return true;
        return false;
    }

    /// <summary>Reads the blob at <paramref name="offset"/> (<paramref name="size"/> bytes) of <paramref name="src"/>.</summary>
    public static PackedBlob Read(ByteSource src, long offset, long size, string symbol)
    {
        var keys = new List<string>();
        var layout = "unknown";
        VmExecutableInfo? exe = null;
        try
        {
            var c = new Cursor(src, offset, size);
            var nbytes = c.U64("blob length");
            Check(nbytes <= (ulong)(size - 8), $"the blob claims {nbytes} bytes but its symbol holds {size - 8} after the length");
            c = new Cursor(src, offset + 8, (long)nbytes);
            var first = c.U64("first count");
            // A lone count of 0 is the 2024 blob of a module without imports (codegen.cc@071e94f6:84-99).
            var second = c.Remaining >= 8 ? c.U64("second field") : 1;
            c.Seek(offset + 8);
            if (second == 0)
            {
                // Import tree first: row_ptr always starts with 0.
                layout = "import-tree-first";
                var rows = c.Vector("import_tree_row_ptr");
                var children = c.Vector("import_tree_child_indices");
                Check(rows.Count >= 2 && rows[0] == 0, "the import tree's row pointers do not start with 0");
                for (var i = 1; i < rows.Count; i++) Check(rows[i] >= rows[i - 1] && rows[i] <= (ulong)children.Count, "the import tree's row pointers are out of order");
                for (var m = 0; m < rows.Count - 1; m++)
                {
                    var key = c.String("module type key", 256);
                    keys.Add(key);
                    if (key == "_lib") continue;
                    var length = c.Length("module payload");
                    if (m == 0 && IsExecutable(key)) exe = ReadExecutable(src, c.Position, length, newConstants: true);
                    c.Skip(length);
                }
                Check(c.Remaining == 0, $"{c.Remaining} bytes follow the last module");
            }
            else
            {
                layout = "key-count";
                var count = c.U64("module key count");
                Check(count < 4096, $"the blob claims {count} modules");
                for (ulong m = 0; m < count; m++)
                {
                    var key = c.String("module type key", 256);
                    keys.Add(key);
                    if (key == "_lib") continue;
                    if (key == "_import_tree") { c.Vector("import_tree_row_ptr"); c.Vector("import_tree_child_indices"); continue; }
                    // Only the executable writes its payload as one string (Executable::SaveToBinary); other modules
                    // write their fields inline, so listing stops there — the executable, always module 0, is read.
                    if (!IsExecutable(key)) break;
                    var length = c.Length("module payload");
                    if (m == 0) exe = ReadExecutable(src, c.Position, length, newConstants: false);
                    c.Skip(length);
                }
            }
            return new PackedBlob(symbol, layout, keys, exe, null);
        }
        catch (BlobDamage e)
        {
            return new PackedBlob(symbol, layout, keys, exe, e.Message);
        }
        catch (BadInputException e)
        {
            // A range check of the underlying source (a blob running past its object) is damage of the blob.
            return new PackedBlob(symbol, layout, keys, exe, e.Problem);
        }
    }

    private static bool IsExecutable(string key) => key is "relax.VMExecutable" or "relax.Executable";

    private static VmExecutableInfo ReadExecutable(ByteSource src, long offset, long length, bool newConstants)
    {
        var c = new Cursor(src, offset, length);
        var magic = c.U64("executable magic");
        Check(magic is MagicV1 or MagicV2, $"the VM executable's magic is 0x{magic:X16}, not 0x{MagicV1:X16} or 0x{MagicV2:X16}");
        var version = c.String("VM version", 64);
        var funcCount = c.Count("function table", 4 + 8 + 8 * 4 + 8);
        (long Start, long End)? metadataFunc = null;
        var copyIndex = -1L;
        for (long i = 0; i < funcCount; i++)
        {
            var kind = c.I32("function kind");
            var name = c.String("function name", 1 << 16);
            var start = c.I64("start_instr");
            var end = c.I64("end_instr");
            c.I64("num_args");
            c.I64("register_file_size");
            var pn = c.Count("param_names", 8);
            for (long p = 0; p < pn; p++) c.Skip(c.Length("param name"));
            if (name == "_metadata" && kind == KindVmFunc) metadataFunc = (start, end);
            if (name == "vm.builtin.copy") copyIndex = i;
        }
        if (magic == MagicV2)
        {
            var scopes = c.Count("memory scopes", 16);
            for (long i = 0; i < scopes; i++) { c.I64("scope constant index"); c.Skip(c.Length("scope name")); }
        }
        var constCount = c.Count("constant pool", 4);
        var strings = new Dictionary<long, (long Offset, long Length)>();
        // The constant type codes: tvm-ffi type indices since apache/tvm #17929 (2025-05); relax's own enum before.
        // The two sets overlap (1, 3, 5), so the generation decides and the other table is the fallback.
        if (!TryConstants(c, constCount, newConstants, strings) && !TryConstants(c, constCount, !newConstants, strings))
            TryConstants(c, constCount, newConstants, strings, throwOnDamage: true);
        if (metadataFunc is null) return new VmExecutableInfo(magic, version, (int)funcCount, false, null);

        var offsetCount = c.Count("instr_offset", 8);
        var offsetsAt = c.Position;
        c.Skip(offsetCount * 8);
        var dataCount = c.Count("instr_data", 8);
        var dataAt = c.Position;
        var (first, last) = metadataFunc.Value;
        Check(first >= 0 && last >= first && last <= offsetCount && last - first <= 1024, $"the _metadata function's instructions {first}..{last} are outside the {offsetCount} instructions");
        var registers = new Dictionary<long, long>();
        for (var pc = first; pc < last; pc++)
        {
            var at = Word(src, offsetsAt, pc, offsetCount, "instr_offset");
            var op = Word(src, dataAt, at, dataCount, "instr_data");
            if (op == OpCall)
            {
                var dst = Word(src, dataAt, at + 1, dataCount, "instr_data");
                var func = Word(src, dataAt, at + 2, dataCount, "instr_data");
                var argc = Word(src, dataAt, at + 3, dataCount, "instr_data");
                if (func == copyIndex && argc == 1)
                {
                    var a = Word(src, dataAt, at + 4, dataCount, "instr_data");
                    var argKind = (int)((ulong)a >> 56);
                    var value = (a << 8) >> 8; // Instruction::Arg::value(): sign-extended low 56 bits
                    if (argKind == ArgConstIdx) registers[dst] = value;
                    else if (argKind == ArgRegister && registers.TryGetValue(value, out var k)) registers[dst] = k;
                }
            }
            else if (op == OpRet)
            {
                var reg = Word(src, dataAt, at + 1, dataCount, "instr_data");
                Check(registers.TryGetValue(reg, out var constIndex), "the _metadata function does not return a constant");
                Check(strings.TryGetValue(constIndex, out var str), $"the _metadata function returns constant {constIndex}, which is not a string");
                Check(str.Length <= MaxMetadataBytes, $"the metadata string claims {str.Length} bytes");
                var bytes = new byte[str.Length];
                src.Read(str.Offset, bytes);
                return new VmExecutableInfo(magic, version, (int)funcCount, true, Encoding.UTF8.GetString(bytes));
            }
            else
            {
                throw new BlobDamage($"the _metadata function has opcode {op}, not a constant return");
            }
        }
        throw new BlobDamage("the _metadata function ends without returning");
    }

    private static bool TryConstants(Cursor c, long count, bool ffiCodes, Dictionary<long, (long, long)> strings, bool throwOnDamage = false)
    {
        var start = c.Position;
        strings.Clear();
        try
        {
            for (long i = 0; i < count; i++)
            {
                var code = c.I32("constant type");
                switch (ffiCodes ? FfiCode(code) : OldCode(code))
                {
                    case 't': // SaveDLTensor (include/tvm/runtime/tensor.h:215-254)
                        Check(c.U64("tensor magic") == 0xDD5E40F096B4A13F, "a tensor constant has the wrong magic");
                        c.Skip(8 + 8); // reserved, DLDevice
                        var ndim = c.I32("tensor ndim");
                        Check(ndim is >= 0 and <= 64, $"a tensor constant has {ndim} dimensions");
                        c.Skip(4 + 8L * ndim);
                        c.Skip(c.Length("tensor data"));
                        break;
                    case 's':
                        var n = c.Count("shape constant", 8);
                        c.Skip(n * 8);
                        break;
                    case 'S':
                        var length = c.Length("string constant");
                        strings[i] = (c.Position, length);
                        c.Skip(length);
                        break;
                    case 'i': case 'f': c.Skip(8); break;
                    case 'd': c.Skip(4); break;
                    default: throw new BlobDamage($"constant {i} has unknown type code {code}");
                }
            }
            return true;
        }
        catch (BlobDamage) when (!throwOnDamage)
        {
            c.Seek(start);
            return false;
        }
    }

    // tvm-ffi@9a6ec6ee include/tvm/ffi/c_api.h:105-154 (as written by v0.22 executable.cc:248-281).
    private static char FfiCode(int code) => code switch { 70 => 't', 69 => 's', 65 => 'S', 1 => 'i', 3 => 'f', 5 => 'd', _ => '?' };

    // apache/tvm@daa37e7e src/runtime/relax_vm/executable.cc:42-49 (2024).
    private static char OldCode(int code) => code switch { 0 => 't', 1 => 'd', 2 => 's', 3 => 'S', 4 => 'i', 5 => 'f', _ => '?' };

    private static long Word(ByteSource src, long vectorAt, long index, long count, string what)
    {
        Check(index >= 0 && index < count, $"{what}[{index}] is outside its {count} entries");
        Span<byte> b = stackalloc byte[8];
        src.Read(vectorAt + index * 8, b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new BlobDamage(what);
    }

    private sealed class BlobDamage(string message) : Exception(message);

    /// <summary>A bounded little-endian reader over a window of the source; every read is checked against the window.</summary>
    private sealed class Cursor(ByteSource src, long start, long length)
    {
        private long _at;

        public long Position => start + _at;

        public long Remaining => length - _at;

        public void Seek(long absolute) => _at = absolute - start;

        public void Skip(long n)
        {
            Check(n >= 0 && n <= Remaining, $"a field of {n} bytes runs past the end ({Remaining} left)");
            _at += n;
        }

        private ReadOnlySpan<byte> Take(int n, string what)
        {
            Check(n <= Remaining, $"the {what} runs past the end");
            var b = new byte[n];
            src.Read(start + _at, b);
            _at += n;
            return b;
        }

        public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

        public long I64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

        public int I32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

        /// <summary>A byte length that must fit in what is left.</summary>
        public long Length(string what)
        {
            var n = U64(what);
            Check(n <= (ulong)Remaining, $"the {what} claims {n} bytes, more than the {Remaining} left");
            return (long)n;
        }

        /// <summary>An element count whose elements (at least <paramref name="minElement"/> bytes each) must fit.</summary>
        public long Count(string what, int minElement)
        {
            var n = U64(what);
            Check(n <= (ulong)(Remaining / minElement), $"the {what} claims {n} entries, more than fit in the {Remaining} bytes left");
            return (long)n;
        }

        public string String(string what, int max)
        {
            var n = Length(what);
            Check(n <= max, $"the {what} is {n} bytes long");
            return Encoding.UTF8.GetString(Take((int)n, what));
        }

        public List<ulong> Vector(string what)
        {
            var n = Count(what, 8);
            var list = new List<ulong>((int)Math.Min(n, 4096));
            for (long i = 0; i < n; i++) list.Add(U64(what));
            return list;
        }
    }
}
