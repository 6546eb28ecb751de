using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ava.Compiler.Errors;
using Ava.Compiler.Hashing;
using Ava.Compiler.IO;
using Ava.Compiler.Naming;
using Ava.Compiler.Packaging;
using Ava.Compiler.Pipeline.Llm;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// Lays out the model folder as the phone holds it (models/llm/AVA-…/: weights, chat config, tokenizer, the two
/// renamed objects, alc-manifest.json) and writes the deterministic <c>.ALM</c> package of it. Weights are hard
/// links to the convert output, and already-hashed files are not read again.
/// </summary>
public sealed class PackageStage(LlmBuild build) : IStage
{
    public const string StageName = "package";

    /// <summary>Files of the configure output that are alc's own, not part of the model.</summary>
    private static readonly HashSet<string> NotModelFiles = [ConfigureStage.PlanFile];

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [ConvertStage.StageName, ConfigureStage.StageName, CompileStage.StageName, VerifyStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
        key.Add("stage-version", 2).Add("ava-name", build.Name.Value).Add("mtime", build.SourceDateEpoch);

    public Task<StageOutcome> RunAsync(StageContext context)
    {
        var folder = Path.Combine(context.OutputDirectory, build.Name.Value);
        Directory.CreateDirectory(folder);
        var cache = context.HashCache;

        var convert = context.OutputOf(ConvertStage.StageName);
        foreach (var rel in KeyBuilder.ListFiles(convert))
            Place(cache, Path.Combine(convert, rel), Path.Combine(folder, rel));
        var configure = context.OutputOf(ConfigureStage.StageName);
        foreach (var rel in KeyBuilder.ListFiles(configure).Where(r => !NotModelFiles.Contains(r)))
            Place(cache, Path.Combine(configure, rel), Path.Combine(folder, rel));
        ExtractObjects(context, folder);
        // The package proof: library metadata against these weights and this config, before anything is published.
        var proven = Verification.PackageGate.Prove(folder, build.Name.Value);
        context.Reporter.Info($"package proof: {proven.Metadata.Describe()}; weights and config agree with the library");

        var manifest = PackageManifest.Describe(folder, build.Name.Value, "llm", cache, Details(context, proven));
        manifest.WriteTo(folder);

        var package = Path.Combine(context.OutputDirectory, build.Name.PackageFile);
        var (size, xx, sha) = WriteHashedPackage(folder, package);
        cache.Remember(package, new FileDigest(size, xx, sha));
        return Task.FromResult(new StageOutcome($"{build.Name.PackageFile}: {manifest.Files.Count} files, {size / (1 << 20)} MiB",
            new JsonObject
            {
                ["folder"] = build.Name.Value,
                ["package"] = build.Name.PackageFile,
                ["packageBytes"] = size,
                ["packageXxHash128"] = xx,
                ["packageSha256"] = sha,
                ["files"] = manifest.Files.Count,
                ["modelBytes"] = manifest.TotalBytes,
                ["memory"] = MemoryData(proven, context),
            }));
    }

    private static JsonObject? MemoryData(Verification.PackageGate.Proven proven, StageContext context)
    {
        if (proven.Memory is not { } m) return null;
        var planned = context.DataOf(ConfigureStage.StageName)["plan"]?["estimatedVramBytes"]?.GetValue<long>();
        return new JsonObject
        {
            ["estimatedVramBytes"] = m.TotalBytes,
            ["paramBytes"] = m.ParamBytes,
            ["temporaryBytes"] = m.TemporaryBytes,
            ["temporaryFunction"] = m.TemporaryFunction,
            ["kvCacheBytes"] = m.KvCacheBytes,
            ["kvTokens"] = m.KvTokens,
            ["plannedVramBytes"] = planned,
            ["differenceBytes"] = planned is { } p ? m.TotalBytes - p : null,
        };
    }

    /// <summary>Hard-links (or copies) a file, carrying its known hash over to the new path.</summary>
    private static void Place(HashCache cache, string source, string destination)
    {
        var digest = cache.Get(source);
        FileLinks.LinkOrCopy(source, destination);
        cache.Remember(destination, digest);
    }

    /// <summary>lib0.o → AVALibrary.ADco, {prefix}devc.o → AVA-….ADco, read straight from MLC's gzip tar.</summary>
    private void ExtractObjects(StageContext context, string folder)
    {
        var tar = Path.Combine(context.OutputOf(CompileStage.StageName), context.DataOf(CompileStage.StageName)["tar"]!.GetValue<string>());
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["lib0.o"] = AvaName.RuntimeLibraryFile,
            [build.SystemLibPrefix + "devc.o"] = build.Name.DeviceCodeFile,
        };
        using var file = File.OpenRead(tar);
        Stream stream = file;
        var magic = new byte[2];
        file.ReadExactly(magic);
        file.Position = 0;
        if (magic[0] == 0x1f && magic[1] == 0x8b) stream = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(stream);
        var found = new HashSet<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !wanted.TryGetValue(name, out var target)) continue;
            entry.ExtractToFile(Path.Combine(folder, target), overwrite: false);
            // Extraction keeps the member's mtime; the package is stamped with a fixed one anyway.
            found.Add(name);
        }
        var missing = wanted.Keys.Where(k => !found.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new VerificationFailedException($"The compiled library {Path.GetFileName(tar)} has no {string.Join(" or ", missing)}.",
                "Rerun the compile stage with the pinned toolchain ('alc doctor').");
    }

    private JsonObject Details(StageContext context, Verification.PackageGate.Proven proven)
    {
        var fetch = context.DataOf(FetchStage.StageName);
        var configure = context.DataOf(ConfigureStage.StageName);
        var verify = context.DataOf(VerifyStage.StageName);
        return new JsonObject
        {
            ["recipe"] = build.Recipe.Name,
            ["quantization"] = build.Quantization,
            ["modelType"] = build.Llm.ModelType,
            ["modelLib"] = build.ModelLib,
            ["systemLibPrefix"] = build.SystemLibPrefix,
            ["source"] = new JsonObject
            {
                ["repo"] = build.Recipe.Source.HfRepo,
                ["origin"] = fetch["origin"]?.DeepClone(),
                ["commit"] = fetch["commit"]?.DeepClone(),
            },
            ["contextWindowSize"] = configure["contextWindowSize"]?.DeepClone(),
            ["vocabSize"] = configure["vocabSize"]?.DeepClone(),
            // From the library's metadata (MLC's own estimate); the planner's figure from before compiling stays beside it.
            ["estimatedVramBytes"] = proven.Memory?.TotalBytes ?? configure["plan"]?["estimatedVramBytes"]?.DeepClone(),
            ["plannedVramBytes"] = configure["plan"]?["estimatedVramBytes"]?.DeepClone(),
            ["memoryFromMetadata"] = proven.Memory is { } m ? new JsonObject
            {
                ["paramBytes"] = m.ParamBytes,
                ["temporaryBytes"] = m.TemporaryBytes,
                ["temporaryFunction"] = m.TemporaryFunction,
                ["kvCacheBytes"] = m.KvCacheBytes,
                ["kvTokens"] = m.KvTokens,
            } : null,
            ["metadata"] = new JsonObject
            {
                ["modelType"] = proven.Metadata.ModelType,
                ["quantization"] = proven.Metadata.Quantization,
                ["contextWindowSize"] = proven.Metadata.ContextWindowSize,
                ["prefillChunkSize"] = proven.Metadata.PrefillChunkSize,
                ["slidingWindowSize"] = proven.Metadata.SlidingWindowSize,
                ["paramCount"] = proven.Metadata.ParamCount,
            },
            ["toolchain"] = new JsonObject
            {
                ["tvm"] = build.Lock.Tvm.Version,
                ["tvmCommit"] = build.Lock.Tvm.Commit,
                ["tvmFfi"] = build.Lock.TvmFfi.Version,
                ["mlcLlmCommit"] = build.Lock.MlcLlm.Commit,
                ["abiProfile"] = build.Lock.AbiProfile,
            },
            ["verification"] = verify.DeepClone(),
        };
    }

    /// <summary>Writes the .ALM once and hashes it on the way out, so publishing needs no second read.</summary>
    private (long Size, string XxHash128, string Sha256) WriteHashedPackage(string folder, string package)
    {
        var xx = new XxHash128();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var fs = new FileStream(package, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        using (var tee = new HashingStream(fs, xx, sha))
            size = DeterministicTar.Write(folder, build.Name.Value, tee, build.SourceDateEpoch);
        return (size, Convert.ToHexStringLower(xx.GetCurrentHash()), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private sealed class HashingStream(Stream inner, XxHash128 xx, IncrementalHash sha) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            xx.Append(buffer);
            sha.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
