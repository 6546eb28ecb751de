using System.Formats.Tar;
using System.IO.Hashing;
using System.Security.Cryptography;
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
public sealed class PackageStage(LlmBuild build) : IStage<PackageResult>
{
    public const string StageName = "package";

    public static readonly StageResult<PackageResult> Output = new(StageName, LlmJsonContext.Default.PackageResult);

    public StageResult<PackageResult> Result => Output;

    /// <summary>Files of the configure output that are alc's own, not part of the model.</summary>
    private static readonly HashSet<string> NotModelFiles = [ConfigureStage.PlanFile];

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [ConvertStage.StageName, ConfigureStage.StageName, CompileStage.StageName, VerifyStage.StageName];

    public void DescribeInputs(KeyBuilder key, StageKeyContext context) =>
        key.Add("stage-version", 2).Add("ava-name", build.Name.Value).Add("mtime", build.SourceDateEpoch);

    public Task<StageOutcome<PackageResult>> RunAsync(StageContext context)
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

        var manifest = PackageManifest.Describe(folder, build.Name.Value, "llm", cache, Details(context, proven).ToJson());
        manifest.WriteTo(folder);

        var package = Path.Combine(context.OutputDirectory, build.Name.PackageFile);
        var (size, xx, sha) = WriteHashedPackage(folder, package);
        cache.Remember(package, new FileDigest(size, xx, sha));
        return Task.FromResult(new StageOutcome<PackageResult>($"{build.Name.PackageFile}: {manifest.Files.Count} files, {size / (1 << 20)} MiB",
            new PackageResult(build.Name.Value, build.Name.PackageFile, size, xx, sha, manifest.Files.Count, manifest.TotalBytes, MemoryData(proven, context))));
    }

    private static PackageMemory? MemoryData(Verification.PackageGate.Proven proven, StageContext context)
    {
        if (proven.Memory is not { } m) return null;
        var planned = context.ResultOf(ConfigureStage.Output).Plan.EstimatedVramBytes;
        return new PackageMemory(m.TotalBytes, m.ParamBytes, m.TemporaryBytes, m.TemporaryFunction, m.KvCacheBytes, m.KvTokens, planned, m.TotalBytes - planned);
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
        var tar = CompileStage.TarOf(context);
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["lib0.o"] = AvaName.RuntimeLibraryFile,
            [build.SystemLibPrefix + "devc.o"] = build.Name.DeviceCodeFile,
        };
        using var file = File.OpenRead(tar);
        using var reader = new TarReader(Verification.TarStream.Open(file));
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

    private LlmPackageDetails Details(StageContext context, Verification.PackageGate.Proven proven)
    {
        var fetch = context.ResultOf(FetchStage.Output);
        var configure = context.ResultOf(ConfigureStage.Output);
        var m = proven.Memory;
        var meta = proven.Metadata;
        return new LlmPackageDetails(build.Recipe.Name, build.Quantization, build.Llm.ModelType, build.ModelLib, build.SystemLibPrefix,
            new PackageSource(build.Recipe.Source.HfRepo, fetch.Origin, fetch.Commit),
            configure.ContextWindowSize, configure.VocabSize,
            // From the library's metadata (MLC's own estimate); the planner's figure from before compiling stays beside it.
            m?.TotalBytes ?? configure.Plan.EstimatedVramBytes, configure.Plan.EstimatedVramBytes,
            m is null ? null : new MetadataMemory(m.ParamBytes, m.TemporaryBytes, m.TemporaryFunction, m.KvCacheBytes, m.KvTokens),
            new MetadataSummary(meta.ModelType, meta.Quantization, meta.ContextWindowSize, meta.PrefillChunkSize, meta.SlidingWindowSize, meta.ParamCount),
            new PackageToolchain(build.Lock.Tvm.Version, build.Lock.Tvm.Commit, build.Lock.TvmFfi.Version, build.Lock.MlcLlm.Commit, build.Lock.AbiProfile),
            context.ResultOf(VerifyStage.Output));
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
