using System.Text;
using System.Text.Json;

namespace Ava.Compiler.Tests.Compile;

/// <summary>A tiny model with Gemma 3's config shape (gemma3_text) and real safetensors weights, written by the test.</summary>
public static class TinyGemma
{
    public static string Create(string directory, int layers = 2, int vocab = 512)
    {
        Directory.CreateDirectory(directory);
        var config = new Dictionary<string, object>
        {
            ["architectures"] = new[] { "Gemma3ForCausalLM" },
            ["model_type"] = "gemma3_text",
            ["hidden_size"] = 64,
            ["intermediate_size"] = 128,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 1,
            ["head_dim"] = 16,
            ["vocab_size"] = vocab,
            ["sliding_window"] = 512,
            ["max_position_embeddings"] = 32768,
            ["rope_theta"] = 1000000.0,
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config));
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), """{"version":"1.0","model":{"type":"BPE","vocab":{"<pad>":0,"<eos>":1,"<bos>":2}}}""");
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{"bos_token":"<bos>","eos_token":"<eos>"}""");

        var tensors = Tensors(hidden: 64, intermediate: 128, layers, heads: 4, kvHeads: 1, headDim: 16, vocab);
        WriteSafetensors(Path.Combine(directory, "model.safetensors"), tensors);
        return directory;
    }

    /// <summary>
    /// Replaces the model's weights with model.safetensors in the shape <paramref name="text"/> (a config's language-model
    /// fields, defaults already applied) gives, as MLC's convert_weight expects them: one tensor per parameter.
    /// </summary>
    public static void WriteWeightsFor(string directory, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim, int vocab) =>
        WriteSafetensors(Path.Combine(directory, "model.safetensors"), Tensors(hidden, intermediate, layers, heads, kvHeads, headDim, vocab));

    /// <summary>
    /// The HF tensors (name, shape) of a Gemma-shaped model, as MLC's convert_weight expects them: one per parameter
    /// (the list the MLC stand-in's model_layout.hf_tensors derives from the config). Also used by bench/PipelineBench.
    /// </summary>
    public static List<(string Name, int[] Shape)> Tensors(int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim, int vocab)
    {
        var tensors = new List<(string Name, int[] Shape)> { ("model.embed_tokens.weight", [vocab, hidden]), ("model.norm.weight", [hidden]) };
        for (var i = 0; i < layers; i++)
        {
            tensors.Add(($"model.layers.{i}.self_attn.q_proj.weight", [heads * headDim, hidden]));
            tensors.Add(($"model.layers.{i}.self_attn.k_proj.weight", [kvHeads * headDim, hidden]));
            tensors.Add(($"model.layers.{i}.self_attn.v_proj.weight", [kvHeads * headDim, hidden]));
            tensors.Add(($"model.layers.{i}.self_attn.o_proj.weight", [hidden, heads * headDim]));
            tensors.Add(($"model.layers.{i}.mlp.gate_proj.weight", [intermediate, hidden]));
            tensors.Add(($"model.layers.{i}.mlp.up_proj.weight", [intermediate, hidden]));
            tensors.Add(($"model.layers.{i}.mlp.down_proj.weight", [hidden, intermediate]));
        }
        return tensors;
    }

    /// <summary>Writes a safetensors file of bf16 tensors filled with a fixed pattern.</summary>
    public static void WriteSafetensors(string path, IReadOnlyList<(string Name, int[] Shape)> tensors)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * 2;
            header[name] = new { dtype = "BF16", shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((ulong)json.Length));
        f.Write(json);
        var data = new byte[offset];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(i * 31 + 7);
        f.Write(data);
    }
}
