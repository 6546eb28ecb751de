using Ava.Compiler.Errors;
using Onnx;

namespace Ava.Compiler.Onnx;

/// <summary>What the quantizer changed, for the report.</summary>
public sealed record QuantizationSummary(
    int MatMulsQuantized,
    int MatMulsLeftFloat,
    int GathersQuantized,
    int GemmsQuantized,
    int ActivationQuantizers,
    long WeightsQuantized,
    bool PerChannel);

public sealed record QuantizationResult(ModelProto Model, QuantizationSummary Summary);

/// <summary>
/// Dynamic INT8 quantization in the operator form ONNX Runtime's own quantizer emits (QOperator / IntegerOps), so ORT
/// fuses it at load time into DynamicQuantizeMatMul / MatMulIntegerToFloat kernels:
/// <code>
///   x ─ DynamicQuantizeLinear ─ x_q, x_scale, x_zp   (one per activation, shared by Q/K/V)
///   MatMulInteger(x_q, W_q, x_zp, W_zp) ─ Cast(float) ─ Mul(·, x_scale·W_scale) ─ original output name
/// </code>
/// Only MatMuls whose weight B is a constant are rewritten; activation×activation products (QKᵀ, attention×V) stay
/// float. A Gemm with a constant weight (BERT's pooler) is rewritten the same way plus an Add for its bias, as ORT's
/// quantizer did when it turned Gemm into MatMul first (optional: current ORT leaves Gemm float in dynamic mode).
/// Float Gather tables become uint8 + DequantizeLinear. The rewrite is a
/// pure function of the input model, so equal inputs give equal bytes; graph inputs and outputs are not touched.
/// </summary>
public sealed class DynamicInt8Quantizer(QuantizationOptions options)
{
    public DynamicInt8Quantizer() : this(QuantizationOptions.Default) { }

    public QuantizationOptions Options { get; } = options;

    public QuantizationResult Quantize(ModelProto source, string displayName = "the model")
    {
        var opset = DefaultOpset(source);
        if (opset < 11)
            throw new BadInputException(
                $"{displayName} uses ONNX opset {opset}; INT8 dynamic quantization needs opset 11 or newer (DynamicQuantizeLinear).",
                "Re-export the model with opset 13 or later (torch.onnx.export(..., opset_version=13)).");

        var model = source.Clone();
        var rewrite = new GraphRewrite(model.Graph, Options);
        rewrite.Run();
        if (rewrite.MatMulsQuantized == 0)
            throw new BadInputException(
                rewrite.MatMulsSeen == 0
                    ? $"{displayName} has no MatMul node, so there is nothing for INT8 dynamic quantization to do."
                    : $"{displayName} has {rewrite.MatMulsSeen} MatMul nodes but none with a constant 2-D float weight, so none can be quantized.",
                "Pass a transformer/BERT-style ONNX model whose linear layers are MatMul nodes with weights stored in the file.");

        return new QuantizationResult(model, new QuantizationSummary(
            rewrite.MatMulsQuantized, rewrite.MatMulsSeen - rewrite.MatMulsQuantized, rewrite.GathersQuantized, rewrite.GemmsQuantized,
            rewrite.ActivationQuantizers, rewrite.WeightsQuantized, Options.PerChannel));
    }

    internal static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    private sealed class GraphRewrite
    {
        private readonly GraphProto _graph;
        private readonly QuantizationOptions _options;
        private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
        private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _activations = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _weights = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _tables = new(StringComparer.Ordinal);
        // New initializers, each placed where the float tensor it replaces stood, so the output order is fixed.
        private readonly Dictionary<string, List<TensorProto>> _replacements = new(StringComparer.Ordinal);

        public GraphRewrite(GraphProto graph, QuantizationOptions options)
        {
            _graph = graph;
            _options = options;
            var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            // An initializer that is also a graph input is only a default the caller may override: not a constant.
            foreach (var t in graph.Initializer)
                if (!graphInputs.Contains(t.Name)) _constants[t.Name] = t;
            foreach (var n in graph.Node)
                if (n.OpType == "Constant" && n.Domain is "" or "ai.onnx" && n.Output.Count == 1 && n.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                    _constants[n.Output[0]] = value;
            CollectNames(graph);
        }

        public int MatMulsSeen { get; private set; }
        public int MatMulsQuantized { get; private set; }
        public int GathersQuantized { get; private set; }
        public int GemmsQuantized { get; private set; }
        public int ActivationQuantizers => _activations.Count;
        public long WeightsQuantized { get; private set; }

        public void Run()
        {
            Precompute();
            var nodes = new List<NodeProto>(_graph.Node.Count * 2);
            foreach (var node in _graph.Node)
            {
                if (IsDefault(node) && node.OpType == "MatMul")
                {
                    MatMulsSeen++;
                    if (QuantizableWeight(node) is { } weight) { EmitMatMul(node, weight, nodes); continue; }
                }
                else if (IsDefault(node) && node.OpType == "Gemm" && _options.QuantizeGemm && QuantizableGemm(node) is { } gemm)
                {
                    EmitGemm(node, gemm.Weight, gemm.TransB, nodes);
                    continue;
                }
                else if (IsDefault(node) && node.OpType == "Gather" && _options.QuantizeGatherTables && QuantizableTable(node) is { } table)
                {
                    EmitGather(node, table, nodes);
                    continue;
                }
                nodes.Add(node);
            }
            _graph.Node.Clear();
            _graph.Node.AddRange(nodes);
            DropUnusedConstants();
        }

        private readonly Dictionary<string, (sbyte[] Values, float[] Scales)> _weightData = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (byte[] Values, float Scale, byte ZeroPoint)> _tableData = new(StringComparer.Ordinal);

        /// <summary>
        /// Quantizes every weight and table the rewrite will need, in parallel: each tensor is independent, so the
        /// bytes are the same whatever the thread schedule.
        /// </summary>
        private void Precompute()
        {
            var weights = new List<(TensorProto Tensor, bool Transposed)>();
            var tables = new List<TensorProto>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in _graph.Node)
            {
                if (!IsDefault(node)) continue;
                if (node.OpType == "MatMul" && QuantizableWeight(node) is { } w && seen.Add("w:" + WeightKey(w, false))) weights.Add((w, false));
                else if (node.OpType == "Gemm" && _options.QuantizeGemm && QuantizableGemm(node) is { } g && seen.Add("w:" + WeightKey(g.Weight, g.TransB))) weights.Add((g.Weight, g.TransB));
                else if (node.OpType == "Gather" && _options.QuantizeGatherTables && QuantizableTable(node) is { } t && seen.Add("t:" + t.Name)) tables.Add(t);
            }
            var weightResults = new (sbyte[], float[])[weights.Count];
            var tableResults = new (byte[], float, byte)[tables.Count];
            Parallel.For(0, weights.Count + tables.Count, i =>
            {
                if (i < weights.Count)
                {
                    var (w, transposed) = weights[i];
                    var (data, rows, cols) = KByN(w, transposed);
                    weightResults[i] = QuantizationMath.QuantizeWeight(data, rows, cols, _options.PerChannel, _options.ReduceRange);
                }
                else tableResults[i - weights.Count] = QuantizationMath.QuantizeUInt8(Tensors.FloatData(tables[i - weights.Count]));
            });
            for (var i = 0; i < weights.Count; i++) _weightData[WeightKey(weights[i].Tensor, weights[i].Transposed)] = weightResults[i];
            for (var i = 0; i < tables.Count; i++) _tableData[tables[i].Name] = tableResults[i];
        }

        private static bool IsDefault(NodeProto n) => n.Domain is "" or "ai.onnx";

        private static string WeightKey(TensorProto w, bool transposed) => transposed ? w.Name + "\u0001T" : w.Name;

        /// <summary>The weight as a row-major [K, N] matrix (Gemm with transB=1 stores it as [N, K]).</summary>
        private static (float[] Data, int Rows, int Cols) KByN(TensorProto w, bool transposed)
        {
            int d0 = checked((int)w.Dims[0]), d1 = checked((int)w.Dims[1]);
            var src = Tensors.FloatData(w);
            if (!transposed) return (src.ToArray(), d0, d1);
            var t = new float[src.Length];
            for (var n = 0; n < d0; n++)
                for (var k = 0; k < d1; k++) t[k * d0 + n] = src[n * d1 + k];
            return (t, d1, d0);
        }

        /// <summary>
        /// Y = A·B' (+ C) with a constant 2-D B: quantized like a MatMul (the form older ORT quantizers reached by
        /// turning Gemm into MatMul + Add). Other Gemm forms (transA, alpha or beta ≠ 1) stay float.
        /// </summary>
        private (TensorProto Weight, bool TransB)? QuantizableGemm(NodeProto node)
        {
            if (node.Input.Count is < 2 or > 3 || _constants.ContainsKey(node.Input[0])) return null;
            long Int(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
            float Float(string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? 1f;
            var hasBias = node.Input.Count == 3 && node.Input[2].Length > 0;
            if (Int("transA", 0) != 0 || Float("alpha") != 1f || (hasBias && Float("beta") != 1f)) return null;
            var transB = Int("transB", 0);
            if (transB is not (0 or 1)) return null;
            return _constants.TryGetValue(node.Input[1], out var w) && Tensors.TypeOf(w) == OnnxDataType.Float && w.Dims.Count == 2 ? (w, transB == 1) : null;
        }

        private TensorProto? QuantizableWeight(NodeProto node)
        {
            if (node.Input.Count != 2 || _constants.ContainsKey(node.Input[0])) return null;
            return _constants.TryGetValue(node.Input[1], out var w) && Tensors.TypeOf(w) == OnnxDataType.Float && w.Dims.Count == 2 ? w : null;
        }

        private TensorProto? QuantizableTable(NodeProto node) =>
            node.Input.Count == 2 && _constants.TryGetValue(node.Input[0], out var t) && Tensors.TypeOf(t) == OnnxDataType.Float
            && t.Dims.Count >= 1 && !_constants.ContainsKey(node.Input[1]) ? t : null;

        private void EmitGemm(NodeProto node, TensorProto weight, bool transB, List<NodeProto> nodes)
        {
            var hasBias = node.Input.Count == 3 && node.Input[2].Length > 0;
            var output = node.Output[0];
            var product = hasBias ? Fresh(output + "_product") : output;
            EmitMatMul(node, weight, nodes, transB, product);
            if (hasBias) nodes.Add(Node("Add", Fresh((string.IsNullOrEmpty(node.Name) ? output : node.Name) + "_bias_Add"), [product, node.Input[2]], [output]));
            MatMulsQuantized--;
            GemmsQuantized++;
        }

        private void EmitMatMul(NodeProto node, TensorProto weight, List<NodeProto> nodes, bool transposed = false, string? outputName = null)
        {
            var activation = node.Input[0];
            if (!_activations.TryGetValue(activation, out var a))
            {
                a = (Fresh(activation + "_quantized"), Fresh(activation + "_scale"), Fresh(activation + "_zero_point"));
                _activations[activation] = a;
                nodes.Add(Node("DynamicQuantizeLinear", Fresh(activation + "_DynamicQuantizeLinear"), [activation], [a.Q, a.Scale, a.ZeroPoint]));
            }
            var w = QuantizedWeight(weight, transposed);
            var output = outputName ?? node.Output[0];
            var baseName = string.IsNullOrEmpty(node.Name) ? output : node.Name;
            var integer = Fresh(output + "_int32");
            var asFloat = Fresh(output + "_int32_float");
            var scales = Fresh(output + "_scales");
            nodes.Add(Node("MatMulInteger", Fresh(baseName + "_MatMulInteger"), [a.Q, w.Q, a.ZeroPoint, w.ZeroPoint], [integer]));
            nodes.Add(Node("Cast", Fresh(baseName + "_Cast"), [integer], [asFloat], new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)OnnxDataType.Float }));
            nodes.Add(Node("Mul", Fresh(baseName + "_scales_Mul"), [a.Scale, w.Scale], [scales]));
            nodes.Add(Node("Mul", Fresh(baseName + "_Mul"), [asFloat, scales], [output]));
            MatMulsQuantized++;
        }

        private (string Q, string Scale, string ZeroPoint) QuantizedWeight(TensorProto weight, bool transposed)
        {
            var key = WeightKey(weight, transposed);
            if (_weights.TryGetValue(key, out var known)) return known;
            int rows = checked((int)weight.Dims[transposed ? 1 : 0]), cols = checked((int)weight.Dims[transposed ? 0 : 1]);
            var (values, scales) = _weightData[key];
            var stem = transposed ? weight.Name + "_T" : weight.Name;
            var names = (Fresh(stem + "_quantized"), Fresh(stem + "_scale"), Fresh(stem + "_zero_point"));
            long[] paramDims = _options.PerChannel ? [cols] : [];
            if (!_replacements.TryGetValue(weight.Name, out var list)) _replacements[weight.Name] = list = [];
            list.AddRange(
            [
                Tensors.Int8(names.Item1, [rows, cols], values),
                Tensors.Float(names.Item2, paramDims, scales),
                Tensors.Int8(names.Item3, paramDims, new sbyte[scales.Length]),
            ]);
            _weights[key] = names;
            WeightsQuantized += values.Length;
            return names;
        }

        private void EmitGather(NodeProto node, TensorProto table, List<NodeProto> nodes)
        {
            if (!_tables.TryGetValue(table.Name, out var t))
            {
                var (values, scale, zp) = _tableData[table.Name];
                t = (Fresh(table.Name + "_quantized"), Fresh(table.Name + "_scale"), Fresh(table.Name + "_zero_point"));
                _replacements[table.Name] =
                [
                    Tensors.UInt8(t.Q, [.. table.Dims], values),
                    Tensors.Float(t.Scale, [], [scale]),
                    Tensors.UInt8(t.ZeroPoint, [], [zp]),
                ];
                _tables[table.Name] = t;
                WeightsQuantized += values.Length;
            }
            var output = node.Output[0];
            var baseName = string.IsNullOrEmpty(node.Name) ? output : node.Name;
            var gathered = Fresh(output + "_quantized");
            var gather = Node("Gather", Fresh(baseName + "_quant"), [t.Q, node.Input[1]], [gathered]);
            gather.Attribute.AddRange(node.Attribute.Select(a => a.Clone()));
            nodes.Add(gather);
            nodes.Add(Node("DequantizeLinear", Fresh(baseName + "_DequantizeLinear"), [gathered, t.Scale, t.ZeroPoint], [output]));
            GathersQuantized++;
        }

        /// <summary>Float constants no node reads any more go away; their quantized form takes their place.</summary>
        private void DropUnusedConstants()
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            CollectUses(_graph, used);
            foreach (var o in _graph.Output) used.Add(o.Name);

            var initializers = new List<TensorProto>(_graph.Initializer.Count + _replacements.Count * 2);
            foreach (var t in _graph.Initializer)
            {
                if (_replacements.TryGetValue(t.Name, out var replacement)) initializers.AddRange(replacement);
                if (used.Contains(t.Name) || !_replacements.ContainsKey(t.Name)) initializers.Add(t);
            }
            // Weights that came from Constant nodes have no initializer slot; append them in first-use order.
            var placed = _graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, replacement) in _replacements)
                if (!placed.Contains(name)) initializers.AddRange(replacement);
            _graph.Initializer.Clear();
            _graph.Initializer.AddRange(initializers);

            var keep = _graph.Node.Where(n => !(n.OpType == "Constant" && n.Output.Count == 1 && _replacements.ContainsKey(n.Output[0]) && !used.Contains(n.Output[0]))).ToList();
            _graph.Node.Clear();
            _graph.Node.AddRange(keep);
        }

        private static void CollectUses(GraphProto graph, HashSet<string> used)
        {
            foreach (var n in graph.Node)
            {
                foreach (var i in n.Input) used.Add(i);
                foreach (var a in n.Attribute)
                {
                    if (a.G is not null) { CollectUses(a.G, used); foreach (var o in a.G.Output) used.Add(o.Name); }
                    foreach (var g in a.Graphs) { CollectUses(g, used); foreach (var o in g.Output) used.Add(o.Name); }
                }
            }
        }

        private void CollectNames(GraphProto graph)
        {
            foreach (var i in graph.Input) _usedNames.Add(i.Name);
            foreach (var o in graph.Output) _usedNames.Add(o.Name);
            foreach (var v in graph.ValueInfo) _usedNames.Add(v.Name);
            foreach (var t in graph.Initializer) _usedNames.Add(t.Name);
            foreach (var n in graph.Node)
            {
                _usedNames.Add(n.Name);
                foreach (var o in n.Output) _usedNames.Add(o);
                foreach (var i in n.Input) _usedNames.Add(i);
                foreach (var a in n.Attribute)
                {
                    if (a.G is not null) CollectNames(a.G);
                    foreach (var g in a.Graphs) CollectNames(g);
                }
            }
        }

        /// <summary>A name no tensor or node in the graph has yet, derived from <paramref name="wanted"/>.</summary>
        private string Fresh(string wanted)
        {
            var name = wanted;
            for (var i = 1; !_usedNames.Add(name); i++) name = $"{wanted}_{i}";
            return name;
        }

        private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
        {
            var n = new NodeProto { OpType = op, Name = name };
            n.Input.AddRange(inputs);
            n.Output.AddRange(outputs);
            n.Attribute.AddRange(attributes);
            return n;
        }
    }
}
