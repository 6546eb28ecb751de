namespace Ava.Compiler.Abi;

/// <summary>
/// What one runtime accepts (abi/&lt;id&gt;.json): the generation its loader matches, the symbols generated code must
/// reference and define, and the functions the runtime exports. Profiles are data; a new runtime is a new file.
/// </summary>
public sealed record AbiProfile
{
    public required string Id { get; init; }

    /// <summary>Human name, e.g. "Apache TVM v0.22.0 (9dbf3f22) + tvm-ffi 0.1.0".</summary>
    public required string Runtime { get; init; }

    /// <summary>The generation id (in <see cref="GenerationTable.Order"/>) this runtime matches.</summary>
    public required string Generation { get; init; }

    /// <summary>How to produce a library this runtime accepts (ends every generation problem).</summary>
    public required string Fix { get; init; }

    public required HostObjectRule HostObject { get; init; }

    public required DeviceObjectRule DeviceObject { get; init; }

    public SharedLibraryRule? SharedLibrary { get; init; }

    public BundleRule Bundle { get; init; } = new();

    public IReadOnlyList<RuntimeOnlySymbol> NotReferencedByGeneratedCode { get; init; } = [];

    /// <summary>The C surface the runtime exports; used for the runtime proof when no --runtime file is given.</summary>
    public IReadOnlyList<string> RuntimeExports { get; init; } = [];

    /// <summary>The generation table the profile was loaded with.</summary>
    public GenerationTable Generations { get; init; } = null!;
}

/// <summary>
/// One runtime function generated code may reference, how firmly, and the upstream lines that say so. <see cref="Required"/>
/// is <c>always</c> (on a path every such module takes), <c>with-device-module</c> (only where the host calls a packed
/// function by name, as every device-kernel launch does) or <c>optional</c> (only when the model's code needs it).
/// </summary>
public sealed record ReferenceRule
{
    public const string Always = "always";
    public const string WithDeviceModule = "with-device-module";
    public const string Optional = "optional";

    public required string Symbol { get; init; }

    public required string Required { get; init; }

    /// <summary>Why codegen emits it, in words (used in messages).</summary>
    public string Why { get; init; } = "";

    /// <summary>Upstream source lines (repo@commit:path:line).</summary>
    public IReadOnlyList<string> Source { get; init; } = [];
}

/// <summary>How a host module shows it calls packed functions by name: the local handle slots codegen creates for them.</summary>
public sealed record DeviceModuleEvidence
{
    public required string HandleSlotPrefix { get; init; }

    public IReadOnlyList<string> Source { get; init; } = [];
}

public sealed record HostObjectRule
{
    public IReadOnlyList<ReferenceRule> References { get; init; } = [];

    public DeviceModuleEvidence? DeviceModuleEvidence { get; init; }

    public required string FunctionPrefix { get; init; }

    public required string ContextSuffix { get; init; }
}

public sealed record DeviceObjectRule
{
    public IReadOnlyList<ReferenceRule> References { get; init; } = [];

    public required string BlobSuffix { get; init; }
}

public sealed record SharedLibraryRule
{
    public IReadOnlyList<ReferenceRule> References { get; init; } = [];

    public required string ContextSuffix { get; init; }

    public required string BlobSuffix { get; init; }
}

public sealed record BundleRule
{
    public const string DefaultPrefixPattern = "^[A-Za-z0-9_]+_$";

    public string PrefixPattern { get; init; } = DefaultPrefixPattern;

    /// <summary>
    /// Whether a system-lib prefix matches <see cref="PrefixPattern"/>. The default pattern is checked directly: setting
    /// up the regex engine costs more than verifying a small library, and every verify checks a prefix.
    /// </summary>
    public bool Accepts(string prefix) =>
        PrefixPattern == DefaultPrefixPattern ? MatchesDefault(prefix) : System.Text.RegularExpressions.Regex.IsMatch(prefix, PrefixPattern);

    /// <summary>^[A-Za-z0-9_]+_$ exactly as .NET's regex reads it ('$' also matches before one final '\n').</summary>
    private static bool MatchesDefault(string s)
    {
        var body = s.EndsWith('\n') ? s.AsSpan(0, s.Length - 1) : s.AsSpan();
        if (body.Length < 2 || body[^1] != '_') return false;
        foreach (var c in body)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }
}

public sealed record RuntimeOnlySymbol(string Symbol, string Note);

/// <summary>What --target means: the object format, word size and architecture a library's objects must have.</summary>
public sealed record TargetSpec(string Id, string Format, int Bits, string Architecture, string Description);
