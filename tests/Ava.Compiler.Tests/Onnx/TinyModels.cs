using Ava.Compiler.Onnx;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Ava.Compiler.Tests.Onnx;

/// <summary>Builds small ONNX graphs in code and runs them with ONNX Runtime, for quantizer tests.</summary>
internal sealed class TinyModel
{
    private readonly ModelProto _model = new() { IrVersion = 8, ProducerName = "alc-tests" };
    private int _nodes;

    public TinyModel(long opset = 13)
    {
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        _model.Graph = new GraphProto { Name = "tiny" };
    }

    public GraphProto Graph => _model.Graph;

    public TinyModel Input(string name, OnnxDataType type, params object[] dims) { Graph.Input.Add(Value(name, type, dims)); return this; }

    public TinyModel Output(string name, OnnxDataType type, params object[] dims) { Graph.Output.Add(Value(name, type, dims)); return this; }

    public TinyModel Initializer(TensorProto t) { Graph.Initializer.Add(t); return this; }

    public TinyModel Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op}_{_nodes++}" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        Graph.Node.Add(n);
        return this;
    }

    public ModelProto Build() => _model.Clone();

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static ValueInfoProto Value(string name, OnnxDataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>Random values with a fixed seed; <paramref name="outlierColumn"/> gets 100× larger weights.</summary>
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (var i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }
}

internal static class Ort
{
    /// <summary>Runs a model on float and int64 inputs; returns every output as floats.</summary>
    public static Dictionary<string, float[]> Run(ModelProto model, Dictionary<string, (Array Data, long[] Shape)> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(OnnxModelFile.ToBytes(model), options);
        var values = inputs.Select(kv => kv.Value.Data switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, kv.Value.Shape),
            long[] l => OrtValue.CreateTensorValueFromMemory(l, kv.Value.Shape),
            _ => throw new ArgumentException("float or long inputs only"),
        }).ToList();
        try
        {
            using var run = new RunOptions();
            var names = session.OutputNames.ToArray();
            using var results = session.Run(run, inputs.Keys.ToArray(), values, names);
            return names.Select((n, i) => (n, results[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(x => x.n, x => x.Item2);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public static float MaxAbs(float[] v) => v.Max(MathF.Abs);

    public static float MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();
}
