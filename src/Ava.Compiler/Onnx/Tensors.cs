using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Ava.Compiler.Onnx;

/// <summary>
/// Reads and builds <see cref="TensorProto"/> values. Data is always written as little-endian raw_data, which is what
/// exporters produce and what keeps the saved bytes identical from run to run.
/// </summary>
public static class Tensors
{
    public static OnnxDataType TypeOf(TensorProto t) => (OnnxDataType)t.DataType;

    public static long ElementCount(TensorProto t)
    {
        long n = 1;
        foreach (var d in t.Dims) n *= d;
        return n;
    }

    /// <summary>The float elements of a FLOAT tensor, whether stored as raw_data or float_data.</summary>
    public static ReadOnlySpan<float> FloatData(TensorProto t)
    {
        if (TypeOf(t) != OnnxDataType.Float)
            throw new InvalidOperationException($"Tensor '{t.Name}' is {TypeOf(t)}, not FLOAT.");
        var span = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span) : t.FloatData.ToArray();
        if (span.Length != ElementCount(t))
            throw new InvalidDataException($"Tensor '{t.Name}' holds {span.Length} floats but its shape needs {ElementCount(t)}.");
        return span;
    }

    public static TensorProto Float(string name, long[] dims, float[] values) =>
        Build(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static TensorProto Int8(string name, long[] dims, sbyte[] values) =>
        Build(name, OnnxDataType.Int8, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static TensorProto UInt8(string name, long[] dims, byte[] values) =>
        Build(name, OnnxDataType.UInt8, dims, values);

    public static TensorProto Int64(string name, long[] dims, long[] values) =>
        Build(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static TensorProto Build(string name, OnnxDataType type, long[] dims, byte[] raw)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this host is not.");
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(raw) };
        t.Dims.AddRange(dims);
        return t;
    }
}
