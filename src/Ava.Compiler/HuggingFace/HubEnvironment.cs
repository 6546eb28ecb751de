using Ava.Compiler.Errors;

namespace Ava.Compiler.HuggingFace;

/// <summary>
/// huggingface_hub's environment conventions (constants.py, utils/_auth.py), applied to an explicit variable set so
/// a cache shared with Python tools is found the same way and tests can set every variable.
/// </summary>
public static class HubEnvironment
{
    /// <summary>
    /// HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
    /// ~/.cache/huggingface/hub. HF_TOKEN (or HUGGING_FACE_HUB_TOKEN), else the file at HF_TOKEN_PATH (default
    /// HF_HOME/token). HF_ENDPOINT. HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) set to 1/ON/YES/TRUE. HF_HUB_DOWNLOAD_TIMEOUT (seconds of silence before a
    /// connection is retried). alc's own: ALC_FETCH_RETRIES (default 5), ALC_FETCH_CONNECTIONS (per large file, default 4),
    /// ALC_FETCH_PROBE_SECONDS (how long one connection is measured before a slow one is split; 0 splits at once).
    /// </summary>
    public static HubOptions FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        var hfHome = HfHome(env);
        var options = new HubOptions(HubCache(env, hfHome));

        if (Get(env, "HF_ENDPOINT") is { } endpoint) options = options.WithEndpoint(endpoint);
        options = options.WithOffline(IsTrue(Get(env, "HF_HUB_OFFLINE") ?? Get(env, "TRANSFORMERS_OFFLINE")));
        if (Number(env, "HF_HUB_DOWNLOAD_TIMEOUT") is { } seconds && seconds > 0) options = options.WithIdleTimeout(TimeSpan.FromSeconds(seconds));
        if (Number(env, "ALC_FETCH_RETRIES") is { } retries) options = options.WithRetries((int)Math.Clamp(retries, 0, 100));
        if (Number(env, "ALC_FETCH_PROBE_SECONDS") is { } probe) options = options.WithRateProbe(TimeSpan.FromSeconds(Math.Clamp(probe, 0, 3600)));
        if (Number(env, "ALC_FETCH_CONNECTIONS") is { } connections) options = options.WithConnectionsPerFile((int)Math.Clamp(connections, 1, 64));

        if (CleanToken(Get(env, "HF_TOKEN")) is { } token) return options.WithToken(token, "HF_TOKEN");
        if (CleanToken(Get(env, "HUGGING_FACE_HUB_TOKEN")) is { } legacy) return options.WithToken(legacy, "HUGGING_FACE_HUB_TOKEN");

        var tokenPath = Expand(env, Get(env, "HF_TOKEN_PATH") ?? Path.Combine(hfHome, "token"));
        if (ReadTokenFile(tokenPath) is { } fromFile) return options.WithToken(fromFile, $"the token file {tokenPath}");
        return options;
    }

    /// <summary>
    /// A token named by the user's own file (<c>alc fetch --token-file</c>), cleaned the way huggingface_hub cleans one;
    /// a missing, unreadable or empty file is bad input naming the file, never its content.
    /// </summary>
    public static HubOptions WithTokenFile(HubOptions options, string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"The token file {path} cannot be read ({e.Message}).",
                "Write the token (from https://huggingface.co/settings/tokens) into that file, readable only by you (chmod 600).");
        }
        return CleanToken(text) is { } token
            ? options.WithToken(token, $"the token file {path}")
            : throw new BadInputException($"The token file {path} is empty.",
                "Write the token (from https://huggingface.co/settings/tokens) into that file, readable only by you (chmod 600).");
    }

    public static string HfHome(IReadOnlyDictionary<string, string> env)
    {
        if (Get(env, "HF_HOME") is { } home) return Expand(env, home);
        var xdg = Get(env, "XDG_CACHE_HOME") is { } x ? Expand(env, x) : Path.Combine(Home(env), ".cache");
        return Path.Combine(xdg, "huggingface");
    }

    private static string HubCache(IReadOnlyDictionary<string, string> env, string hfHome) =>
        Get(env, "HF_HUB_CACHE") is { } cache ? Expand(env, cache)
        : Get(env, "HUGGINGFACE_HUB_CACHE") is { } legacy ? Expand(env, legacy)
        : Path.Combine(hfHome, "hub");

    /// <summary>Python's _is_true: only these spellings switch a flag on; "0", "false" and "" leave it off.</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    /// <summary>huggingface_hub strips whitespace and newlines from tokens and treats an empty one as absent.</summary>
    private static string? CleanToken(string? token)
    {
        if (token is null) return null;
        var cleaned = token.Replace("\r", "").Replace("\n", "").Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    private static string? ReadTokenFile(string path)
    {
        try { return File.Exists(path) ? CleanToken(File.ReadAllText(path)) : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string Home(IReadOnlyDictionary<string, string> env) =>
        Get(env, "HOME") ?? Get(env, "USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Python expands "~" and $VARS in these paths; do the same from the given variables.</summary>
    private static string Expand(IReadOnlyDictionary<string, string> env, string path)
    {
        if (path == "~") path = Home(env);
        else if (path.StartsWith("~/", StringComparison.Ordinal)) path = Path.Combine(Home(env), path[2..]);
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\$\{(\w+)\}|\$(\w+)", m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return env.TryGetValue(name, out var v) ? v : m.Value;
        });
        return Path.GetFullPath(path);
    }

    private static double? Number(IReadOnlyDictionary<string, string> env, string name) =>
        double.TryParse(Get(env, name), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string? Get(IReadOnlyDictionary<string, string> env, string name) =>
        env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
}
