using System.Text;
using System.Text.Json.Nodes;

namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>
/// Writes a fixtures-server scenario for data a test made itself (the recorded format: one step per request, in order).
/// Request bodies are exact: the server only answers a request whose body is the one written here.
/// </summary>
public sealed class ScenarioWriter
{
    private const string Api = "https://api.github.com:443";
    private const string Uploads = "https://uploads.github.com:443";
    private readonly JsonArray _steps = [];

    public ScenarioWriter Api_(string method, string path, int status, JsonNode? response, JsonNode? body = null) =>
        Add(Api, method, path, status, response, body);

    public ScenarioWriter Upload(string path, byte[] content, int status, JsonNode? response) =>
        Add(Uploads, "post", path, status, response, JsonValue.Create(NockBody(content)));

    /// <summary>
    /// A committed file's "content" given as its text: the server decodes what was sent and maps URLs it rewrote to
    /// itself back to https://HOST/ before comparing (tests/node/fixtures-server.mjs, committedFile), so the text
    /// names the real URLs the scenario's responses declared.
    /// </summary>
    public static JsonObject FileText(string text) => new() { ["text"] = text };

    public void WriteTo(string file) => File.WriteAllText(file, _steps.ToJsonString());

    private ScenarioWriter Add(string scope, string method, string path, int status, JsonNode? response, JsonNode? body)
    {
        _steps.Add(new JsonObject
        {
            ["scope"] = scope,
            ["method"] = method,
            ["path"] = path,
            ["status"] = status,
            ["body"] = body ?? "",
            ["response"] = response ?? "",
        });
        return this;
    }

    // nock compares a request body as UTF-8 text when the bytes survive a UTF-8 round trip, and as hex otherwise.
    private static string NockBody(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content);
        return Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(content) ? text : Convert.ToHexStringLower(content);
    }
}
