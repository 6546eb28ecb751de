using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ava.Compiler.Toolchain.Smoke;

/// <summary>
/// A small but complete Hugging Face <c>tokenizer.json</c> (the tokenizers library's serialization: normalizer,
/// pre_tokenizer, post_processor, decoder, model) in Gemma's style: a BPE model with byte fallback, "▁" for spaces, and
/// Gemma's special-token ids — &lt;pad&gt; 0, &lt;eos&gt; 1, &lt;bos&gt; 2, &lt;unk&gt; 3, &lt;start_of_turn&gt; 105,
/// &lt;end_of_turn&gt; 106 (the ids MLC's gemma3_instruction template stops on, conversation_template/gemma.py) — and
/// the 256 byte tokens &lt;0x00&gt;…&lt;0xFF&gt; on the remaining ids. MLC's gen_config copies it and detects
/// byte-fallback decoding from its decoder (interface/gen_config.py:154-219).
/// </summary>
public static class MinimalTokenizer
{
    public const int VocabSize = 262;

    private static readonly (int Id, string Token)[] Specials =
        [(0, "<pad>"), (1, "<eos>"), (2, "<bos>"), (3, "<unk>"), (105, "<start_of_turn>"), (106, "<end_of_turn>")];

    public static void Write(string directory)
    {
        var vocab = new JsonObject();
        var ids = Enumerable.Range(0, VocabSize).Except(Specials.Select(s => s.Id)).ToList();
        var tokens = new SortedDictionary<int, string>(Specials.ToDictionary(s => s.Id, s => s.Token));
        for (var b = 0; b < 256; b++) tokens[ids[b]] = $"<0x{b:X2}>";
        foreach (var (id, token) in tokens) vocab[token] = id;

        var added = new JsonArray(Specials.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Id, ["content"] = s.Token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        }).ToArray());
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" },
            ["pre_tokenizer"] = null,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(Special("<bos>"), Sequence("A")),
                ["pair"] = new JsonArray(Special("<bos>"), Sequence("A"), Special("<bos>"), Sequence("B")),
                ["special_tokens"] = new JsonObject { ["<bos>"] = new JsonObject { ["id"] = "<bos>", ["ids"] = new JsonArray(2), ["tokens"] = new JsonArray("<bos>") } },
            },
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "▁" }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = true, ["byte_fallback"] = true, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = new JsonArray(),
            },
        };
        var config = new JsonObject
        {
            ["bos_token"] = "<bos>", ["eos_token"] = "<eos>", ["pad_token"] = "<pad>", ["unk_token"] = "<unk>",
            ["add_bos_token"] = true, ["add_eos_token"] = false, ["model_max_length"] = 32768,
            ["tokenizer_class"] = "GemmaTokenizer",
        };
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        IO.AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString(options));
        IO.AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(options));
    }

    private static JsonObject Special(string id) => new() { ["SpecialToken"] = new JsonObject { ["id"] = id, ["type_id"] = 0 } };

    private static JsonObject Sequence(string id) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = 0 } };
}
