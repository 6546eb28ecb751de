using Ava.Compiler.Errors;
using Ava.Compiler.Onnx;
using Onnx;

namespace Ava.Compiler.Tests.Onnx;

public class QuantizerTests
{
    private const int K = 32, N = 16;

    private static ModelProto LinearModel(float[] weight, int seed = 1) =>
        new TinyModel()
            .Input("x", OnnxDataType.Float, "batch", 3, K)
            .Output("y", OnnxDataType.Float, "batch", 3, N)
            .Initializer(Tensors.Float("w", [K, N], weight))
            .Node("MatMul", ["x", "w"], ["y"])
            .Build();

    private static Dictionary<string, (Array, long[])> X(int seed = 7) => new() { ["x"] = (TinyModel.Random(2 * 3 * K, seed), [2, 3, K]) };

    private static IEnumerable<string> Ops(ModelProto m) => m.Graph.Node.Select(n => n.OpType);

    [Fact]
    public void A_MatMul_with_a_constant_weight_becomes_the_ORT_dynamic_int8_pattern_and_stays_close_to_float()
    {
        var model = LinearModel(TinyModel.Random(K * N, 3));
        var result = new DynamicInt8Quantizer().Quantize(model);

        Assert.Equal(["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul"], Ops(result.Model));
        var w = Assert.Single(result.Model.Graph.Initializer, t => t.Name == "w_quantized");
        Assert.Equal(OnnxDataType.Int8, Tensors.TypeOf(w));
        Assert.DoesNotContain(result.Model.Graph.Initializer, t => t.Name == "w");
        Assert.Equal([N], result.Model.Graph.Initializer.Single(t => t.Name == "w_scale").Dims);

        var reference = Ort.Run(model, X())["y"];
        var quantized = Ort.Run(result.Model, X())["y"];
        Assert.True(Ort.MaxAbsDiff(reference, quantized) <= 0.02f * Ort.MaxAbs(reference),
            $"max diff {Ort.MaxAbsDiff(reference, quantized)} vs max |y| {Ort.MaxAbs(reference)}");
        Assert.NotEqual(reference, quantized);
        Assert.Equal(1, result.Summary.MatMulsQuantized);
    }

    [Fact]
    public void Per_channel_scales_keep_a_column_with_outliers_from_crushing_the_others()
    {
        var weight = TinyModel.Random(K * N, 5, 0.05f);
        for (var r = 0; r < K; r++) weight[r * N] *= 100f; // column 0 is 100× larger, like BERT's FFN-out weights
        var model = LinearModel(weight);
        var reference = Ort.Run(model, X())["y"];

        float ErrorOfSmallColumns(QuantizationOptions o)
        {
            var q = Ort.Run(new DynamicInt8Quantizer(o).Quantize(model).Model, X())["y"];
            return Enumerable.Range(0, reference.Length).Where(i => i % N != 0).Max(i => MathF.Abs(reference[i] - q[i]));
        }

        var perChannel = ErrorOfSmallColumns(QuantizationOptions.Default);
        var perTensor = ErrorOfSmallColumns(QuantizationOptions.Default.WithPerChannel(false));
        Assert.True(perChannel * 5 < perTensor, $"per-channel {perChannel} vs per-tensor {perTensor}");
    }

    [Fact]
    public void An_activation_times_activation_MatMul_is_left_float_and_exact()
    {
        var model = new TinyModel()
            .Input("x", OnnxDataType.Float, 4, K).Input("a", OnnxDataType.Float, 4, 5).Input("b", OnnxDataType.Float, 5, 6)
            .Output("y", OnnxDataType.Float, 4, N).Output("ab", OnnxDataType.Float, 4, 6)
            .Initializer(Tensors.Float("w", [K, N], TinyModel.Random(K * N, 3)))
            .Node("MatMul", ["x", "w"], ["y"])
            .Node("MatMul", ["a", "b"], ["ab"])
            .Build();
        var result = new DynamicInt8Quantizer().Quantize(model);

        Assert.Single(result.Model.Graph.Node, n => n.OpType == "MatMul" && n.Input[0] == "a" && n.Input[1] == "b");
        Assert.Equal(1, result.Summary.MatMulsLeftFloat);
        Dictionary<string, (Array, long[])> inputs = new()
        {
            ["x"] = (TinyModel.Random(4 * K, 1), [4, K]), ["a"] = (TinyModel.Random(20, 2), [4, 5]), ["b"] = (TinyModel.Random(30, 3), [5, 6]),
        };
        Assert.Equal(Ort.Run(model, inputs)["ab"], Ort.Run(result.Model, inputs)["ab"]);
    }

    private static ModelProto GemmModel(params AttributeProto[] attributes) =>
        new TinyModel()
            .Input("x", OnnxDataType.Float, 4, K)
            .Output("y", OnnxDataType.Float, 4, N).Output("g", OnnxDataType.Float, 4, N)
            .Initializer(Tensors.Float("w", [K, N], TinyModel.Random(K * N, 3)))
            .Initializer(Tensors.Float("gw", [N, K], TinyModel.Random(K * N, 4)))
            .Initializer(Tensors.Float("gb", [N], TinyModel.Random(N, 5)))
            .Node("MatMul", ["x", "w"], ["y"])
            .Node("Gemm", ["x", "gw", "gb"], ["g"], attributes)
            .Build();

    [Fact]
    public void A_Gemm_with_a_constant_transposed_weight_and_bias_is_quantized_and_stays_close_to_float()
    {
        var model = GemmModel(TinyModel.Int("transB", 1));
        var result = new DynamicInt8Quantizer().Quantize(model);

        Assert.DoesNotContain("Gemm", Ops(result.Model));
        Assert.Equal(1, result.Summary.GemmsQuantized);
        Assert.Single(result.Model.Graph.Node, n => n.OpType == "Add" && n.Input[1] == "gb" && n.Output[0] == "g");
        Assert.Equal([K, N], result.Model.Graph.Initializer.Single(t => t.Name == "gw_T_quantized").Dims);
        Assert.Single(result.Model.Graph.Node, n => n.OpType == "DynamicQuantizeLinear"); // shared with the MatMul on x

        Dictionary<string, (Array, long[])> inputs = new() { ["x"] = (TinyModel.Random(4 * K, 1), [4, K]) };
        var reference = Ort.Run(model, inputs)["g"];
        var quantized = Ort.Run(result.Model, inputs)["g"];
        Assert.True(Ort.MaxAbsDiff(reference, quantized) <= 0.02f * Ort.MaxAbs(reference), $"max diff {Ort.MaxAbsDiff(reference, quantized)}");
        Assert.NotEqual(reference, quantized);
    }

    [Fact]
    public void A_Gemm_with_transA_or_the_Gemm_switch_off_is_left_float_and_exact()
    {
        Dictionary<string, (Array, long[])> inputs = new() { ["x"] = (TinyModel.Random(4 * K, 1), [4, K]) };
        var scaled = GemmModel(TinyModel.Int("transB", 1), new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f });
        var kept = new DynamicInt8Quantizer().Quantize(scaled);
        Assert.Contains("Gemm", Ops(kept.Model));
        Assert.Equal(Ort.Run(scaled, inputs)["g"], Ort.Run(kept.Model, inputs)["g"]);

        var plain = GemmModel(TinyModel.Int("transB", 1));
        var off = new DynamicInt8Quantizer(QuantizationOptions.Default.WithGemm(false)).Quantize(plain);
        Assert.Contains("Gemm", Ops(off.Model));
        Assert.Equal(OnnxDataType.Float, Tensors.TypeOf(off.Model.Graph.Initializer.Single(t => t.Name == "gw")));
        Assert.Equal(Ort.Run(plain, inputs)["g"], Ort.Run(off.Model, inputs)["g"]);
    }

    [Fact]
    public void A_Gather_embedding_table_is_stored_as_uint8_and_dequantized_after_the_lookup()
    {
        const int vocab = 50, dim = 8;
        var table = TinyModel.Random(vocab * dim, 11, 0.3f);
        var model = new TinyModel()
            .Input("ids", OnnxDataType.Int64, "batch", "seq").Input("x", OnnxDataType.Float, 2, K)
            .Output("emb", OnnxDataType.Float, "batch", "seq", dim).Output("y", OnnxDataType.Float, 2, N)
            .Initializer(Tensors.Float("table", [vocab, dim], table))
            .Initializer(Tensors.Float("w", [K, N], TinyModel.Random(K * N, 3)))
            .Node("Gather", ["table", "ids"], ["emb"])
            .Node("MatMul", ["x", "w"], ["y"])
            .Build();
        var result = new DynamicInt8Quantizer().Quantize(model);

        Assert.Equal(["Gather", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul"], Ops(result.Model));
        Assert.Equal(OnnxDataType.UInt8, Tensors.TypeOf(result.Model.Graph.Initializer.Single(t => t.Name == "table_quantized")));
        Assert.DoesNotContain(result.Model.Graph.Initializer, t => t.Name == "table");

        Dictionary<string, (Array, long[])> inputs = new()
        {
            ["ids"] = (new long[] { 0, 7, 49, 3, 3, 12 }, [2, 3]), ["x"] = (TinyModel.Random(2 * K, 1), [2, K]),
        };
        var reference = Ort.Run(model, inputs)["emb"];
        var quantized = Ort.Run(result.Model, inputs)["emb"];
        var step = (table.Max() - Math.Min(0f, table.Min())) / 255f;
        Assert.True(Ort.MaxAbsDiff(reference, quantized) <= step / 2 + 1e-6f, $"diff {Ort.MaxAbsDiff(reference, quantized)} > half step {step / 2}");
        Assert.Equal(1, result.Summary.GathersQuantized);

        var withoutTables = new DynamicInt8Quantizer(QuantizationOptions.Default.WithGatherTables(false)).Quantize(model);
        Assert.Equal(Ort.Run(model, inputs)["emb"], Ort.Run(withoutTables.Model, inputs)["emb"]);
    }

    [Fact]
    public void MatMuls_reading_the_same_activation_share_one_DynamicQuantizeLinear()
    {
        var model = new TinyModel()
            .Input("x", OnnxDataType.Float, 2, K)
            .Output("q", OnnxDataType.Float, 2, N).Output("k", OnnxDataType.Float, 2, N)
            .Initializer(Tensors.Float("wq", [K, N], TinyModel.Random(K * N, 3)))
            .Initializer(Tensors.Float("wk", [K, N], TinyModel.Random(K * N, 4)))
            .Node("MatMul", ["x", "wq"], ["q"])
            .Node("MatMul", ["x", "wk"], ["k"])
            .Build();
        var result = new DynamicInt8Quantizer().Quantize(model);
        Assert.Single(result.Model.Graph.Node, n => n.OpType == "DynamicQuantizeLinear");
        Assert.Equal(2, result.Summary.MatMulsQuantized);
        Assert.Equal(1, result.Summary.ActivationQuantizers);
    }

    [Fact]
    public void Quantizing_keeps_inputs_and_outputs_and_gives_the_same_bytes_every_time()
    {
        var model = LinearModel(TinyModel.Random(K * N, 3));
        var first = OnnxModelFile.ToBytes(new DynamicInt8Quantizer().Quantize(model).Model);
        var second = OnnxModelFile.ToBytes(new DynamicInt8Quantizer().Quantize(OnnxModelFile.Parse(OnnxModelFile.ToBytes(model), "m")).Model);
        Assert.Equal(first, second);
        Assert.Empty(ModelSignature.Of(model).DifferencesTo(ModelSignature.Of(OnnxModelFile.Parse(first, "q"))));
    }

    [Fact]
    public void A_model_without_MatMul_is_rejected_as_bad_input()
    {
        var model = new TinyModel()
            .Input("x", OnnxDataType.Float, 4).Output("y", OnnxDataType.Float, 4)
            .Node("Relu", ["x"], ["y"]).Build();
        var e = Assert.Throws<BadInputException>(() => new DynamicInt8Quantizer().Quantize(model, "tiny.onnx"));
        Assert.Contains("no MatMul", e.Message);
    }

    [Fact]
    public void A_model_below_opset_11_is_rejected_with_the_fix()
    {
        var model = new TinyModel(opset: 9)
            .Input("x", OnnxDataType.Float, 2, K).Output("y", OnnxDataType.Float, 2, N)
            .Initializer(Tensors.Float("w", [K, N], TinyModel.Random(K * N, 3)))
            .Node("MatMul", ["x", "w"], ["y"]).Build();
        var e = Assert.Throws<BadInputException>(() => new DynamicInt8Quantizer().Quantize(model));
        Assert.Contains("opset 9", e.Message);
    }

    [Fact]
    public void Vector_and_scalar_quantization_agree_and_round_half_to_even()
    {
        Assert.Equal(2, QuantizationMath.QuantizeSymmetric(2.5f, 1f, -127, 127));
        Assert.Equal(-2, QuantizationMath.QuantizeSymmetric(-2.5f, 1f, -127, 127));
        Assert.Equal(127, QuantizationMath.QuantizeSymmetric(1000f, 1f, -127, 127));

        // Values on exact .5 midpoints of the column scale, plus random ones; 37 columns leave a scalar tail.
        const int rows = 9, cols = 37;
        var w = TinyModel.Random(rows * cols, 21);
        for (var c = 0; c < cols; c++) w[c] = 1f; // column absmax 1 → scale 1/127
        for (var c = 0; c < cols; c++) w[cols + c] = (c % 7 + 0.5f) / 127f;
        var (values, scales) = QuantizationMath.QuantizeWeight(w, rows, cols, perChannel: true, reduceRange: false);
        for (var i = 0; i < w.Length; i++)
            Assert.Equal(QuantizationMath.QuantizeSymmetric(w[i], scales[i % cols], -127, 127), values[i]);
    }
}
