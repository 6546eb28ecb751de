using System.Reflection;
using System.Text.Json;
using Ava.Compiler.IO;
using System.Text.Json.Serialization;
using Ava.Compiler.Errors;

namespace Ava.Compiler.Toolchain;

/// <summary>
/// The pinned toolchain (<c>toolchain.lock.json</c> at the repository root, embedded in the assembly): the one TVM,
/// tvm-ffi, MLC-LLM, LLVM and NDK combination whose output links against AVA's TVM v0.22.0 runtime.
/// Doctor checks an installation against it, setup builds it, the Dockerfile is tested against it.
/// </summary>
public sealed record ToolchainLock
{
    public required int SchemaVersion { get; init; }

    /// <summary>Name of the ABI profile artifacts are verified against, e.g. <c>tvm-v0.22.0</c>.</summary>
    public required string AbiProfile { get; init; }

    public required TvmPin Tvm { get; init; }

    public required TvmFfiPin TvmFfi { get; init; }

    public required MlcLlmPin MlcLlm { get; init; }

    public required LlvmPin Llvm { get; init; }

    public required AndroidNdkPin AndroidNdk { get; init; }

    public required PythonPin Python { get; init; }

    public required DiskPin Disk { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        TypeInfoResolver = ToolchainLockJsonContext.Default,
    };

    private static readonly Lazy<ToolchainLock> Embedded = new(() =>
    {
        using var stream = typeof(ToolchainLock).Assembly.GetManifestResourceStream("toolchain.lock.json")
            ?? throw new InvalidOperationException("toolchain.lock.json is not embedded in Ava.Compiler; the build is broken.");
        return Parse(stream, "the embedded toolchain.lock.json");
    });

    /// <summary>The lock this build of alc was made with.</summary>
    public static ToolchainLock Default => Embedded.Value;

    public static ToolchainLock Load(string path)
    {
        if (!File.Exists(path))
            throw new BadInputException($"The toolchain lock '{path}' does not exist.", "Pass the path of a toolchain.lock.json file, or omit it to use the one built into alc.");
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public static ToolchainLock Parse(Stream json, string origin)
    {
        ToolchainLock? lockFile;
        try
        {
            lockFile = JsonSerializer.Deserialize(json, Options.TypeInfo<ToolchainLock>());
        }
        catch (JsonException e)
        {
            throw new BadInputException($"The toolchain lock {origin} is not valid: {e.Message}",
                "Restore toolchain.lock.json from the alc repository (git checkout toolchain.lock.json).", e);
        }
        if (lockFile is null || lockFile.SchemaVersion != 1)
            throw new BadInputException($"The toolchain lock {origin} has schemaVersion {lockFile?.SchemaVersion.ToString() ?? "null"}; this alc reads version 1.",
                "Use the toolchain.lock.json that came with this alc.");
        return lockFile;
    }
}

public sealed record TvmPin
{
    /// <summary><c>tvm.__version__</c> of the pinned build, e.g. <c>0.22.0</c>.</summary>
    public required string Version { get; init; }

    public required string Tag { get; init; }

    /// <summary>Full 40-hex commit; a TVM built from it reports it as <c>GIT_COMMIT_HASH</c> in <c>tvm.support.libinfo()</c>.</summary>
    public required string Commit { get; init; }

    public required string Repository { get; init; }
}

public sealed record TvmFfiPin
{
    /// <summary>The Python distribution name, <c>apache-tvm-ffi</c>.</summary>
    public required string Package { get; init; }

    public required string Version { get; init; }

    public required string Commit { get; init; }

    public required string Repository { get; init; }

    /// <summary>Where TVM vendors it; setup installs from here so the version cannot drift.</summary>
    public required string SourceSubdirectory { get; init; }

    public string? Note { get; init; }
}

public sealed record MlcLlmPin
{
    public required string Commit { get; init; }

    /// <summary>Other commits known to work with the pinned TVM (same FFI generation); doctor accepts them with a note.</summary>
    public IReadOnlyList<string> CompatibleCommits { get; init => field = value ?? []; } = [];

    public required string Repository { get; init; }

    public IReadOnlyList<string> RequiredModelTypes { get; init => field = value ?? []; } = [];

    /// <summary>Model types users ask for that MLC-LLM does not have, so doctor can say so up front.</summary>
    public IReadOnlyList<string> AbsentModelTypes { get; init => field = value ?? []; } = [];

    public IReadOnlyList<string> RequiredQuantizations { get; init => field = value ?? []; } = [];

    /// <summary>True when <paramref name="commit"/> (full or abbreviated, at least 7 hex digits) is the pin or a compatible commit.</summary>
    public bool Accepts(string commit) => MatchesPinned(commit) || CompatibleCommits.Any(c => Commits.Same(c, commit));

    public bool MatchesPinned(string commit) => Commits.Same(Commit, commit);
}

public sealed record LlvmPin
{
    public required int Major { get; init; }

    public IReadOnlyList<string> RequiredTargets { get; init => field = value ?? []; } = [];
}

public sealed record AndroidNdkPin
{
    /// <summary><c>Pkg.Revision</c> in the NDK's <c>source.properties</c>, e.g. <c>27.0.12077973</c>.</summary>
    public required string Version { get; init; }

    /// <summary>The release name used in download file names, e.g. <c>r27</c>.</summary>
    public required string Release { get; init; }

    public required string TargetTriple { get; init; }

    public required int ApiLevel { get; init; }

    public int Major => int.Parse(Version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The clang driver TVM_NDK_CC must name, e.g. <c>aarch64-linux-android24-clang</c>.</summary>
    public string ClangDriverName => $"{TargetTriple}{ApiLevel}-clang";
}

public sealed record PythonPin
{
    public required string Minimum { get; init; }

    public Version MinimumVersion => System.Version.Parse(Minimum);

    /// <summary>
    /// The one list of Python packages the toolchain needs besides TVM, tvm-ffi and MLC-LLM themselves: setup installs
    /// it, doctor imports it, <c>alc toolchain requirements</c> prints it. Each names the upstream lines that import it.
    /// </summary>
    public IReadOnlyList<PythonPackage> Packages { get; init => field = value ?? []; } = [];

    /// <summary>Requirements upstream declares that alc leaves out → why (the paths alc runs never import them).</summary>
    public IReadOnlyDictionary<string, string> Excluded { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    public IEnumerable<PythonPackage> InstalledBy(string part) => Packages.Where(p => p.InstalledBy == part);

    public PythonPackage? ForModule(string module) => Packages.FirstOrDefault(p => p.Module == module);
}

/// <summary>One Python package of the toolchain, with the upstream lines that need it.</summary>
public sealed record PythonPackage
{
    /// <summary>The pip requirement, e.g. <c>torch==2.9.0</c>.</summary>
    public required string Requirement { get; init; }

    /// <summary>The name <c>import</c> takes, e.g. <c>torch</c>.</summary>
    public required string Module { get; init; }

    /// <summary>The setup step group: <c>tvm</c> (TVM's Python package) or <c>mlc-llm</c>.</summary>
    public required string InstalledBy { get; init; }

    /// <summary>When upstream imports it: <c>import</c> (every mlc_llm command), <c>convert_weight</c>,
    /// <c>gen_config-fallback</c> or <c>declared</c> (listed by upstream, not imported on alc's path).</summary>
    public required string Phase { get; init; }

    /// <summary>False for packages only a fallback path imports (doctor warns instead of failing).</summary>
    /// <remarks>Read from the lock's optional "required" (absent: true). Kept as a nullable underneath: source-generated
    /// JSON passes false for an absent init-only bool, which would make every package without the field optional
    /// (dotnet/runtime#84484).</remarks>
    [JsonIgnore]
    public bool Required { get => RequiredField ?? true; init => RequiredField = value; }

    [JsonPropertyName("required")]
    [JsonInclude]
    internal bool? RequiredField { get; init; }

    public required string Reason { get; init; }

    /// <summary>Upstream lines, <c>repo@commit:path:line</c>.</summary>
    public IReadOnlyList<string> NeededBy { get; init => field = value ?? []; } = [];

    /// <summary>A package index per host OS (<c>linux</c>, <c>macos</c>) when PyPI's default build is the wrong one (CUDA torch).</summary>
    public IReadOnlyDictionary<string, string> IndexUrl { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    public string? IndexFor(HostOs os) =>
        IndexUrl.GetValueOrDefault(os == HostOs.MacOs ? "macos" : "linux");
}

public sealed record DiskPin
{
    public required int MinimumFreeGigabytes { get; init; }
}

/// <summary>Compile-time JSON metadata of toolchain.lock.json (alc is published with Native AOT: no reflection).</summary>
[JsonSerializable(typeof(ToolchainLock))]
internal sealed partial class ToolchainLockJsonContext : JsonSerializerContext;
