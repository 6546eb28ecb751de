using Ava.Compiler.Abi;

namespace Ava.Compiler.Verification;

/// <summary>
/// How to verify: the target the objects must be built for, the ABI profile of the runtime, optional runtime shared
/// objects and an NDK sysroot lib folder for the runtime proof, and whether the libraries form one app bundle.
/// Immutable; change with the <c>WithX</c> copies.
/// </summary>
public sealed record VerifyOptions
{
    public string Target { get; init; } = AbiCatalog.DefaultTarget;

    /// <summary>A profile id (<c>tvm-v0.22.0</c>) or the path of a profile JSON.</summary>
    public string Abi { get; init; } = AbiCatalog.DefaultProfile;

    /// <summary>
    /// The runtime as a set of shared libraries and folders (e.g. libtvm_runtime.so + libtvm_ffi.so, the app's
    /// jniLibs/arm64-v8a/, or one libtvm4j_runtime_packed.so): their exports together must cover every TVM reference.
    /// </summary>
    public IReadOnlyList<string> Runtimes { get; init; } = [];

    /// <summary>The input the runtime was given as (the app, for the app chain), for fixes; each shell spells it.</summary>
    public Errors.UserInput RuntimeInput { get; init; } = Errors.UserInput.Runtime;

    /// <summary>An NDK sysroot lib folder: libc/libm/libdl/liblog there must cover every other reference.</summary>
    public string? SystemLibs { get; init; }

    /// <summary>The libraries will be linked into one app build (no shared symbols or prefixes).</summary>
    public bool Bundle { get; init; }

    /// <summary>Where ABI data files live; null = built-in copies.</summary>
    public string? AbiDirectory { get; init; }

    /// <summary>
    /// Refuse packages that cannot be checked: an <c>.ALM</c>/<c>.AON</c> tar without its <c>alc-manifest.json</c> is an
    /// error instead of a warning. On by default in the Action and the compile pipeline; <c>alc verify --strict</c>.
    /// </summary>
    public bool Strict { get; init; }

    public VerifyOptions WithStrict(bool strict = true) => this with { Strict = strict };

    public VerifyOptions WithTarget(string target) => this with { Target = target };

    public VerifyOptions WithAbi(string abi) => this with { Abi = abi };

    public VerifyOptions WithRuntimes(IReadOnlyList<string> runtimes) => this with { Runtimes = runtimes };

    public VerifyOptions WithRuntimeInput(Errors.UserInput input) => this with { RuntimeInput = input };

    public VerifyOptions WithSystemLibs(string? folder) => this with { SystemLibs = folder };

    public VerifyOptions WithBundle(bool bundle = true) => this with { Bundle = bundle };

    public VerifyOptions WithAbiDirectory(string? folder) => this with { AbiDirectory = folder };

    /// <summary>The system libraries an Android app may link against, looked for in <see cref="SystemLibs"/>.</summary>
    public static readonly IReadOnlyList<string> SystemLibraryNames = ["libc.so", "libm.so", "libdl.so", "liblog.so"];
}
