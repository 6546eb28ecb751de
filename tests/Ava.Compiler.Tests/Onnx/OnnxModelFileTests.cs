using Ava.Compiler.Errors;
using Ava.Compiler.Onnx;
using Ava.Compiler.Tests.Infrastructure;
using Google.Protobuf;
using Onnx;

namespace Ava.Compiler.Tests.Onnx;

public class OnnxModelFileTests
{
    private const int K = 8, N = 4;

    private static ModelProto Linear() =>
        new TinyModel()
            .Input("x", OnnxDataType.Float, 2, K).Output("y", OnnxDataType.Float, 2, N)
            .Initializer(Tensors.Float("w", [K, N], TinyModel.Random(K * N, 3)))
            .Node("MatMul", ["x", "w"], ["y"]).Build();

    /// <summary>The same model with "w" moved to weights.bin, as exporters do for large models.</summary>
    private static ModelProto WithExternalWeight(string dir, long offset = 16)
    {
        var model = Linear();
        var w = model.Graph.Initializer.Single();
        var bytes = w.RawData.ToByteArray();
        File.WriteAllBytes(Path.Combine(dir, "weights.bin"), [.. new byte[offset], .. bytes]);
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString() });
        return model;
    }

    [Fact]
    public void A_model_with_external_data_loads_with_its_weights_inlined()
    {
        using var dir = new TempDir("onnx");
        var path = dir.Write("model.onnx", OnnxModelFile.ToBytes(WithExternalWeight(dir.Path)));

        var loaded = OnnxModelFile.Load(path);
        var w = loaded.Graph.Initializer.Single();
        Assert.Equal(TensorProto.Types.DataLocation.Default, w.DataLocation);
        Assert.Equal(Tensors.FloatData(Linear().Graph.Initializer.Single()).ToArray(), Tensors.FloatData(w).ToArray());
    }

    [Fact]
    public void A_model_whose_external_data_file_is_missing_is_bad_input_naming_the_file()
    {
        using var dir = new TempDir("onnx");
        var path = dir.Write("model.onnx", OnnxModelFile.ToBytes(WithExternalWeight(dir.Path)));
        File.Delete(dir["weights.bin"]);

        var e = Assert.Throws<BadInputException>(() => OnnxModelFile.Load(path));
        Assert.Contains("weights.bin", e.Problem);
        Assert.Contains("missing", e.Problem);
    }

    [Fact]
    public void A_text_file_is_not_an_ONNX_model()
    {
        using var dir = new TempDir("onnx");
        var path = dir.Write("notes.onnx", "This is a README, not a model.\n");
        var e = Assert.Throws<BadInputException>(() => OnnxModelFile.Load(path));
        Assert.Contains("not a usable ONNX model", e.Problem);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void A_truncated_model_is_bad_input(double keep)
    {
        using var dir = new TempDir("onnx");
        var bytes = OnnxModelFile.ToBytes(Linear());
        var path = dir.Write("cut.onnx", bytes[..(int)(bytes.Length * keep)]);
        Assert.Throws<BadInputException>(() => OnnxModelFile.Load(path));
    }

    [Fact]
    public void A_missing_model_file_is_bad_input()
    {
        using var dir = new TempDir("onnx");
        Assert.Throws<BadInputException>(() => OnnxModelFile.Load(dir["nope.onnx"]));
    }
}
