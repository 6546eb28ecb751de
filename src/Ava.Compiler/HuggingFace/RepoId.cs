using System.Text.RegularExpressions;
using Ava.Compiler.Errors;

namespace Ava.Compiler.HuggingFace;

/// <summary>A model repository id as the Hub writes it: "name" or "org/name".</summary>
public sealed partial record RepoId
{
    private RepoId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The cache folder name huggingface_hub uses: "models--org--name".</summary>
    public string CacheFolderName => "models--" + Value.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>The page where a person accepts a gated model's license.</summary>
    public string WebUrl => $"https://huggingface.co/{Value}";

    /// <summary>Hub ids: optional namespace, then a name of letters, digits, '-', '_' and '.', at most 96 characters,
    /// without "--" or ".." and not ending in ".git" (huggingface_hub utils/_validators.py).</summary>
    public static RepoId Parse(string text)
    {
        var value = text.Trim();
        if (!Shape().IsMatch(value) || value.Contains("--", StringComparison.Ordinal) ||
            value.Contains("..", StringComparison.Ordinal) || value.EndsWith(".git", StringComparison.Ordinal))
            throw new BadInputException(
                $"'{text}' is not a Hugging Face model id.",
                "Write it as ORG/NAME, e.g. google/gemma-3-1b-it: letters, digits, '-', '_' and '.', without '--' or '..'.");
        return new RepoId(value);
    }

    public override string ToString() => Value;

    [GeneratedRegex(@"^([\w\-.]+/)?[\w\-.]{1,96}$")]
    private static partial Regex Shape();
}
