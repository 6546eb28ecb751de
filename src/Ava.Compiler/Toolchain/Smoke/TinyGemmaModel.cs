using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// The model the smoke test compiles: a Gemma 3 text model (<c>model_type gemma3_text</c>, what google/gemma-3-1b-it
/// is) with 2 layers and small dimensions, random bf16 weights in one <c>model.safetensors</c>, and a tokenizer. It is
/// made locally in milliseconds; nothing is downloaded.
/// <para>
/// The config carries the fields MLC-LLM's <c>Gemma3TextConfig</c> reads (mlc-ai/mlc-llm@7b15b196
/// python/mlc_llm/model/gemma3/gemma3_model.py:27-43: hidden_size, intermediate_size, num_hidden_layers,
/// num_attention_heads, num_key_value_heads, head_dim, rms_norm_eps, hidden_activation, query_pre_attn_scalar; rope_theta
/// and sliding_window through kwargs, L47-56), named as a Hugging Face Gemma3TextConfig names them. The dimensions keep
/// what q4f16_1 needs: every matmul's input width (64, 128) is a multiple of its group size 32
/// (mlc_llm/quantization/quantization.py q4f16_1). The tensor names are those of HF's Gemma3ForCausalLM, which MLC's
/// loader maps for a text-only model with no prefix (gemma3_loader.py:44-45 hf_prefix "", L46-150): the four
/// per-layer norms, q/k norms, q/k/v/o projections, gate/up/down projections, embed_tokens and the final norm; no
/// lm_head (Gemma ties it to the embedding).
/// </para>
/// </summary>
public static class TinyGemmaModel
{
    public const string ModelType = "gemma3_text";
    public const int Hidden = 64;
    public const int Intermediate = 128;
    public const int Layers = 2;
    public const int Heads = 2;
    public const int KvHeads = 1;
    public const int HeadDim = 32;

    /// <summary>The tokenizer files copied from a cached checkpoint when one is available.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "tokenizer.model"];

    /// <summary>Writes config.json, model.safetensors and the tokenizer into <paramref name="directory"/>.</summary>
    /// <param name="tokenizerSource">A folder holding a real tokenizer (a cached Gemma snapshot), or null for the minimal one.</param>
    /// <returns>Where the tokenizer came from, for the report.</returns>
    public static string Create(string directory, string? tokenizerSource, int seed = 20251021)
    {
        Directory.CreateDirectory(directory);
        string tokenizer;
        int vocab;
        if (tokenizerSource is not null && File.Exists(Path.Combine(tokenizerSource, "tokenizer.json")))
        {
            foreach (var name in TokenizerFiles)
                if (File.Exists(Path.Combine(tokenizerSource, name)))
                    File.Copy(Path.Combine(tokenizerSource, name), Path.Combine(directory, name), overwrite: true);
            tokenizer = tokenizerSource;
            vocab = VocabSize(Path.Combine(directory, "tokenizer.json")) ?? MinimalTokenizer.VocabSize;
        }
        else
        {
            MinimalTokenizer.Write(directory);
            tokenizer = "minimal byte-fallback tokenizer (no cached Gemma tokenizer)";
            vocab = MinimalTokenizer.VocabSize;
        }
        IO.AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), Config(vocab).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), Tensors(vocab, seed), new Dictionary<string, string> { ["format"] = "pt" });
        return tokenizer;
    }

    /// <summary>A Gemma 3 text config in the published gemma-3-1b-it shape, scaled down.</summary>
    public static JsonObject Config(int vocab) => new()
    {
        ["architectures"] = new JsonArray("Gemma3ForCausalLM"),
        ["model_type"] = ModelType,
        ["hidden_size"] = Hidden,
        ["intermediate_size"] = Intermediate,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads,
        ["head_dim"] = HeadDim,
        ["vocab_size"] = vocab,
        ["rms_norm_eps"] = 1e-6,
        ["hidden_activation"] = "gelu_pytorch_tanh",
        ["query_pre_attn_scalar"] = HeadDim,
        ["rope_theta"] = 1000000.0,
        ["rope_local_base_freq"] = 10000.0,
        ["sliding_window"] = 512,
        ["sliding_window_pattern"] = 6,
        ["max_position_embeddings"] = 32768,
        ["attention_bias"] = false,
        ["bos_token_id"] = 2,
        ["eos_token_id"] = new JsonArray(1, 106),
        ["pad_token_id"] = 0,
        ["torch_dtype"] = "bfloat16",
    };

    /// <summary>Every tensor of Gemma3ForCausalLM for the tiny shape, in HF's names, bf16.</summary>
    public static IReadOnlyList<SafetensorsTensor> Tensors(int vocab, int seed)
    {
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor> { Tensor(random, "model.embed_tokens.weight", vocab, Hidden) };
        for (var i = 0; i < Layers; i++)
        {
            var p = $"model.layers.{i}.";
            tensors.Add(Tensor(random, p + "input_layernorm.weight", Hidden));
            tensors.Add(Tensor(random, p + "post_attention_layernorm.weight", Hidden));
            tensors.Add(Tensor(random, p + "pre_feedforward_layernorm.weight", Hidden));
            tensors.Add(Tensor(random, p + "post_feedforward_layernorm.weight", Hidden));
            tensors.Add(Tensor(random, p + "self_attn.q_proj.weight", Heads * HeadDim, Hidden));
            tensors.Add(Tensor(random, p + "self_attn.k_proj.weight", KvHeads * HeadDim, Hidden));
            tensors.Add(Tensor(random, p + "self_attn.v_proj.weight", KvHeads * HeadDim, Hidden));
            tensors.Add(Tensor(random, p + "self_attn.o_proj.weight", Hidden, Heads * HeadDim));
            tensors.Add(Tensor(random, p + "self_attn.q_norm.weight", HeadDim));
            tensors.Add(Tensor(random, p + "self_attn.k_norm.weight", HeadDim));
            tensors.Add(Tensor(random, p + "mlp.gate_proj.weight", Intermediate, Hidden));
            tensors.Add(Tensor(random, p + "mlp.up_proj.weight", Intermediate, Hidden));
            tensors.Add(Tensor(random, p + "mlp.down_proj.weight", Hidden, Intermediate));
        }
        tensors.Add(Tensor(random, "model.norm.weight", Hidden));
        return tensors;
    }

    /// <summary>Values from N(0, 0.02²) (Box–Muller), the scale transformers initialises Gemma with (initializer_range).</summary>
    private static SafetensorsTensor Tensor(Random random, string name, params long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(0.02 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return new SafetensorsTensor(name, "BF16", shape, SafetensorsWriter.Bf16Bytes(values));
    }

    /// <summary>The size of a tokenizer.json's vocabulary (model.vocab plus added tokens), or null when unreadable.</summary>
    private static int? VocabSize(string tokenizerJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
            var max = -1;
            if (doc.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("vocab", out var v))
            {
                if (v.ValueKind == JsonValueKind.Object) foreach (var p in v.EnumerateObject()) max = Math.Max(max, p.Value.GetInt32());
                else if (v.ValueKind == JsonValueKind.Array) max = Math.Max(max, v.GetArrayLength() - 1);
            }
            if (doc.RootElement.TryGetProperty("added_tokens", out var added))
                foreach (var t in added.EnumerateArray())
                    if (t.TryGetProperty("id", out var id)) max = Math.Max(max, id.GetInt32());
            return max >= 0 ? max + 1 : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
