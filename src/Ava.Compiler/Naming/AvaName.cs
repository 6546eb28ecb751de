using System.Globalization;
using System.Text.RegularExpressions;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Naming;

/// <summary>
/// AVA naming convention v2 for LLM builds: <c>AVA-{CODE}-{SIZE}{BITS}[-W{w}][-BF][-L{layout}]</c>.
/// The rule, defined here once:
/// <list type="bullet">
/// <item>CODE is the recipe's model code (GE2, GE3, G4N): three characters A-Z/0-9.</item>
/// <item>SIZE is the recipe's size label (2B, 4B, 1B, 270M).</item>
/// <item>BITS is the compute float width of the MLC quantization (16 for f16 and bf16, 32 for f32).</item>
/// <item>Each way the quantization differs from the default 4-bit, float16, layout-1 one (q4f16_1) adds one suffix, in this
/// order: <c>-W{bits}</c> weight bits other than 4 (unquantized weights are written as the float width, e.g. q0f16 → -W16),
/// <c>-BF</c> bfloat16 instead of float16, <c>-L{n}</c> a group layout other than 1.</item>
/// </list>
/// So the default build keeps the spec's names (gemma3-4b q4f16_1 → AVA-GE3-4B16) and every other quantization gets a
/// distinct name that parses back to (code, size, quantization): q4f16_0 → AVA-GE3-4B16-L0, q4bf16_1 → AVA-GE3-4B16-BF,
/// q0f16 → AVA-GE3-4B16-W16, q8f16_1 → AVA-GE3-4B16-W8.
/// </summary>
public sealed record AvaName
{
    /// <summary>lib0.o (the host code of every model) is renamed to this; the name is the same for every model folder.</summary>
    public const string RuntimeLibraryFile = "AVALibrary.ADco";

    public const string DeviceCodeExtension = ".ADco";
    public const string PackageExtension = ".ALM";

    private static readonly Regex QuantPattern = new(@"^q(?<w>\d+)(?<f>f|bf)(?<a>16|32)(?:_(?<l>\d))?$", RegexOptions.CultureInvariant);

    private static readonly Regex NamePattern = new(
        @"^AVA-(?<code>[A-Z0-9]{3})-(?<size>\d+(?:\.\d+)?[BMK])(?<a>16|32)(?:-W(?<w>\d+))?(?<bf>-BF)?(?:-L(?<l>\d))?$",
        RegexOptions.CultureInvariant);

    private static readonly Regex CodePattern = new(@"^[A-Z0-9]{3}$", RegexOptions.CultureInvariant);
    private static readonly Regex SizePattern = new(@"^\d+(?:\.\d+)?[BMK]$", RegexOptions.CultureInvariant);

    private AvaName(string code, string size, string quantization, string value)
    {
        Code = code;
        Size = size;
        Quantization = quantization;
        Value = value;
    }

    public string Code { get; }

    public string Size { get; }

    /// <summary>The MLC quantization name, e.g. q4f16_1.</summary>
    public string Quantization { get; }

    /// <summary>The full name, e.g. AVA-GE3-4B16.</summary>
    public string Value { get; }

    /// <summary>The renamed <c>{prefix}devc.o</c>: AVA-GE3-4B16.ADco.</summary>
    public string DeviceCodeFile => Value + DeviceCodeExtension;

    /// <summary>The package: AVA-GE3-4B16.ALM.</summary>
    public string PackageFile => Value + PackageExtension;

    public override string ToString() => Value;

    public static AvaName For(string code, string size, string quantization)
    {
        if (!CodePattern.IsMatch(code))
            throw new BadInputException($"The AVA model code '{code}' is not three characters A-Z/0-9.", "Use a code such as GE2, GE3 or G4N in the recipe's ava.code.");
        if (!SizePattern.IsMatch(size))
            throw new BadInputException($"The AVA size label '{size}' is not a number followed by B, M or K.", "Use a size such as 2B, 4B or 270M in the recipe's ava.size.");
        var m = QuantPattern.Match(quantization);
        if (!m.Success)
            throw new BadInputException($"The quantization '{quantization}' has no AVA name: the naming rule covers q{{bits}}{{f|bf}}{{16|32}}[_{{layout}}] only.",
                "Use one of q4f16_1, q4bf16_1, q4f16_0 or q0f16.");
        var w = int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture);
        var act = m.Groups["a"].Value;
        var hasLayout = m.Groups["l"].Success;
        if (w == 0 == hasLayout || w >= int.Parse(act, CultureInfo.InvariantCulture))
            throw new BadInputException($"'{quantization}' is not a well-formed MLC quantization name (quantized weights need a _layout, unquantized ones must not have one).",
                "Use a name from 'mlc_llm convert_weight --help', e.g. q4f16_1 or q0f16.");

        var value = $"AVA-{code}-{size}{act}";
        if (w != 4) value += $"-W{(w == 0 ? act : w.ToString(CultureInfo.InvariantCulture))}";
        if (m.Groups["f"].Value == "bf") value += "-BF";
        if (hasLayout && m.Groups["l"].Value != "1") value += $"-L{m.Groups["l"].Value}";
        return new AvaName(code, size, quantization, value);
    }

    public static bool TryParse(string text, out AvaName? name)
    {
        name = null;
        var m = NamePattern.Match(text);
        if (!m.Success) return false;
        var act = m.Groups["a"].Value;
        var w = m.Groups["w"].Success ? m.Groups["w"].Value : "4";
        var unquantized = w == act;
        if (unquantized && m.Groups["l"].Success) return false;
        var quant = $"q{(unquantized ? "0" : w)}{(m.Groups["bf"].Success ? "bf" : "f")}{act}" + (unquantized ? "" : $"_{(m.Groups["l"].Success ? m.Groups["l"].Value : "1")}");
        try
        {
            var parsed = For(m.Groups["code"].Value, m.Groups["size"].Value, quant);
            if (parsed.Value != text) return false;
            name = parsed;
            return true;
        }
        catch (BadInputException)
        {
            return false;
        }
    }

    public static AvaName Parse(string text) =>
        TryParse(text, out var name)
            ? name!
            : throw new BadInputException($"'{text}' is not an AVA LLM name.", "AVA LLM names look like AVA-GE3-4B16 or AVA-GE3-4B16-L0 (see the README's naming section).");
}
