using Ava.Compiler.Errors;
using Ava.Compiler.IO;
using Google.Protobuf;
using Onnx;

namespace Ava.Compiler.Onnx;

/// <summary>
/// Loads and saves ONNX models. Loading checks that the bytes really are a complete model (a protobuf parser accepts
/// many non-ONNX files, and a file cut at a message boundary parses into a smaller model) and pulls tensors stored as
/// external data back into the model, so everything after loading works on one self-contained <see cref="ModelProto"/>.
/// </summary>
public static class OnnxModelFile
{
    public static ModelProto Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new BadInputException($"The ONNX model '{path}' does not exist.", "Pass the path of an existing .onnx file.");

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(full);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw NotAModel(path, $"it is not a readable ONNX protobuf ({e.Message.TrimEnd('.')}); the file is damaged, truncated or of another format");
        }

        CheckStructure(model, path);
        LoadExternalData(model, Path.GetDirectoryName(full)!, path);
        return model;
    }

    /// <summary>Parses a model held in memory (no external data allowed).</summary>
    public static ModelProto Parse(byte[] bytes, string displayName)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw NotAModel(displayName, $"it is not a readable ONNX protobuf ({e.Message.TrimEnd('.')})");
        }
        CheckStructure(model, displayName);
        return model;
    }

    /// <summary>The exact bytes of a model. Google.Protobuf writes fields in schema order, so equal models give equal bytes.</summary>
    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    public static void Save(ModelProto model, string path) => AtomicFile.Write(path, s => model.WriteTo(s));

    private static void CheckStructure(ModelProto model, string path)
    {
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw NotAModel(path, "it has no graph with nodes");
        if (model.IrVersion <= 0 || model.OpsetImport.Count == 0)
            throw NotAModel(path, "it has no IR version or no opset import, so it is either not ONNX or cut short");
        if (model.Graph.Output.Count == 0)
            throw NotAModel(path, "its graph declares no outputs");

        // Every value a node reads must be produced somewhere; a truncated or corrupted file fails this.
        var known = new HashSet<string>(StringComparer.Ordinal) { "" };
        foreach (var i in model.Graph.Input) known.Add(i.Name);
        foreach (var i in model.Graph.Initializer) known.Add(i.Name);
        foreach (var i in model.Graph.SparseInitializer) known.Add(i.Values?.Name ?? "");
        foreach (var n in model.Graph.Node) foreach (var o in n.Output) known.Add(o);
        foreach (var n in model.Graph.Node)
            foreach (var i in n.Input)
                if (!known.Contains(i))
                    throw NotAModel(path, $"node '{n.Name}' ({n.OpType}) reads '{i}', which nothing in the graph produces");
        foreach (var o in model.Graph.Output)
            if (!known.Contains(o.Name))
                throw NotAModel(path, $"graph output '{o.Name}' is produced by no node");
    }

    private static void LoadExternalData(ModelProto model, string modelDir, string displayPath)
    {
        foreach (var tensor in AllTensors(model.Graph))
        {
            if (tensor.DataLocation != TensorProto.Types.DataLocation.External) continue;
            var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!entries.TryGetValue("location", out var location) || string.IsNullOrEmpty(location))
                throw new BadInputException(
                    $"Tensor '{tensor.Name}' in '{displayPath}' is stored as external data but names no file.",
                    "Re-export the model with its external data, or save it as a single .onnx file.");
            var dataPath = Path.GetFullPath(Path.Combine(modelDir, location));
            if (!File.Exists(dataPath))
                throw new BadInputException(
                    $"The ONNX model '{displayPath}' keeps tensor '{tensor.Name}' in the external data file '{location}', which is missing (looked for {dataPath}).",
                    "Put the data file next to the .onnx file (as exported), or pass a model saved as one file.");

            long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
            using var fs = File.OpenRead(dataPath);
            long length = entries.TryGetValue("length", out var l) ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : fs.Length - offset;
            if (offset < 0 || length < 0 || offset + length > fs.Length)
                throw new BadInputException(
                    $"The external data file '{location}' of '{displayPath}' is shorter than tensor '{tensor.Name}' needs (offset {offset} + {length} bytes > {fs.Length}).",
                    "The data file is truncated or belongs to another export: export the model again.");
            var bytes = new byte[length];
            fs.Position = offset;
            fs.ReadExactly(bytes);
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        }
    }

    /// <summary>Initializers and Constant-node tensors of a graph and its subgraphs.</summary>
    internal static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var node in graph.Node)
            foreach (var a in node.Attribute)
            {
                if (a.T is not null) yield return a.T;
                foreach (var t in a.Tensors) yield return t;
                if (a.G is not null) foreach (var t in AllTensors(a.G)) yield return t;
                foreach (var g in a.Graphs) foreach (var t in AllTensors(g)) yield return t;
            }
    }

    private static BadInputException NotAModel(string path, string why) =>
        new($"'{path}' is not a usable ONNX model: {why}.",
            "Pass an .onnx file exported by PyTorch, optimum or onnxruntime (a complete download: check its size and hash).");
}
