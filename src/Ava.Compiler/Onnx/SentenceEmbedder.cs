using Ava.Compiler.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Ava.Compiler.Onnx;

/// <summary>
/// Runs a BERT-style ONNX model with ONNX Runtime and turns its token embeddings into a sentence embedding the way
/// sentence-transformers does: mean over the attention mask, then L2 normalisation.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _outputName;
    private readonly bool _tokenLevelOutput;
    private readonly string[] _inputNames;

    private SentenceEmbedder(InferenceSession session, string displayName)
    {
        _session = session;
        _inputNames = session.InputNames.ToArray();
        foreach (var name in _inputNames)
            if (Role(name) is null)
                throw new BadInputException(
                    $"{displayName} has an input '{name}' the embedding validator cannot feed; it knows input_ids, attention_mask and token_type_ids.",
                    "Validate BERT-style sentence-embedding models only (the inputs of a Hugging Face BERT export).");
        if (!_inputNames.Any(n => Role(n) == "ids"))
            throw new BadInputException($"{displayName} has no input_ids input.", "Pass a BERT-style sentence-embedding model.");

        // Prefer token embeddings (pooled here); fall back to a ready-made [batch, dim] sentence embedding.
        var outputs = session.OutputMetadata;
        var tokenLevel = outputs.FirstOrDefault(o => o.Key == "last_hidden_state" || o.Key == "token_embeddings");
        if (tokenLevel.Key is null) tokenLevel = outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3);
        if (tokenLevel.Key is not null) { _outputName = tokenLevel.Key; _tokenLevelOutput = true; }
        else
        {
            var sentence = outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 2);
            _outputName = sentence.Key ?? throw new BadInputException(
                $"{displayName} has no [batch, tokens, dim] or [batch, dim] float output to take an embedding from.",
                "Pass a sentence-embedding model (for example an all-MiniLM-L6-v2 export).");
        }
    }

    public static SentenceEmbedder Create(byte[] model, string displayName, int threads = 1) =>
        new(new InferenceSession(model, Options(threads)), displayName);

    public static SentenceEmbedder Create(string modelPath, int threads = 1) =>
        new(new InferenceSession(modelPath, Options(threads)), modelPath);

    private static SessionOptions Options(int threads) => new()
    {
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    private static string? Role(string inputName) => inputName switch
    {
        _ when inputName.Contains("input_ids", StringComparison.Ordinal) => "ids",
        _ when inputName.Contains("attention_mask", StringComparison.Ordinal) => "mask",
        _ when inputName.Contains("token_type_ids", StringComparison.Ordinal) => "types",
        _ => null,
    };

    /// <summary>The L2-normalised sentence embedding of one encoded text.</summary>
    public float[] Embed(EncodedText text)
    {
        long[] shape = [1, text.InputIds.Length];
        var values = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (var name in _inputNames)
                values.Add(OrtValue.CreateTensorValueFromMemory(Role(name) switch
                {
                    "ids" => text.InputIds,
                    "mask" => text.AttentionMask,
                    _ => text.TokenTypeIds,
                }, shape));
            using var run = new RunOptions();
            using var results = _session.Run(run, _inputNames, values, [_outputName]);
            var output = results[0];
            var data = output.GetTensorDataAsSpan<float>();
            var dims = output.GetTensorTypeAndShape().Shape;
            return _tokenLevelOutput ? MeanPool(data, dims, text.AttentionMask) : Normalize(data[..(int)dims[^1]].ToArray());
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private static float[] MeanPool(ReadOnlySpan<float> hidden, long[] dims, long[] mask)
    {
        int tokens = (int)dims[1], dim = (int)dims[2];
        var sum = new double[dim];
        double count = 0;
        for (var t = 0; t < tokens; t++)
        {
            if (mask[t] == 0) continue;
            count++;
            var row = hidden.Slice(t * dim, dim);
            for (var d = 0; d < dim; d++) sum[d] += row[d];
        }
        var mean = new float[dim];
        for (var d = 0; d < dim; d++) mean[d] = (float)(sum[d] / Math.Max(count, 1e-9));
        return Normalize(mean);
    }

    private static float[] Normalize(float[] v)
    {
        double norm = 0;
        foreach (var x in v) norm += (double)x * x;
        var scale = (float)(1.0 / Math.Max(Math.Sqrt(norm), 1e-12));
        for (var i = 0; i < v.Length; i++) v[i] *= scale;
        return v;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Max(Math.Sqrt(na * nb), 1e-24);
    }

    public void Dispose() => _session.Dispose();
}
