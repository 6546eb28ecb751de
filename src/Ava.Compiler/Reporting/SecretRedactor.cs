namespace Ava.Compiler.Reporting;

/// <summary>
/// Removes secret values (HF_TOKEN, GITHUB_TOKEN, ...) from any text before it is shown or written to a log,
/// so a token echoed back by a tool or an exception message never reaches a person or a CI log.
/// </summary>
public sealed class SecretRedactor
{
    public static readonly IReadOnlyList<string> SecretVariables =
        ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "INPUT_GITHUB-TOKEN", "INPUT_HF-TOKEN"];

    private readonly List<string> _secrets = [];

    public SecretRedactor(IEnumerable<string>? secrets = null)
    {
        foreach (var s in secrets ?? []) Add(s);
    }

    public static SecretRedactor FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        var r = new SecretRedactor();
        foreach (var name in SecretVariables)
            if (env.TryGetValue(name, out var v)) r.Add(v);
        return r;
    }

    public IReadOnlyList<string> Secrets => _secrets;

    public void Add(string secret)
    {
        // Very short values would redact ordinary words; real tokens are long.
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < 4) return;
        if (!_secrets.Contains(secret.Trim())) _secrets.Add(secret.Trim());
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    public string Redact(string text)
    {
        foreach (var s in _secrets) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }
}
