using Ava.Compiler.Errors;

namespace Ava.Compiler.HuggingFace;

// One type per way a fetch can fail, each an AlcException subclass so the CLI maps it to the right exit code
// without knowing about the Hub. Callers that want to react (the pipeline retrying, a test asserting) catch the type.

/// <summary>Exit 2: the repository, revision or a requested file does not exist.</summary>
public sealed class HubNotFoundException(string problem, string fix) : BadInputException(problem, fix);

/// <summary>Exit 5: the Hub refused access (gated model without an accepted license, private repo, bad token).</summary>
public sealed class HubAccessDeniedException(string problem, string fix, int statusCode) : NetworkException(problem, fix)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>Exit 5: the Hub could not be reached, timed out or kept failing (5xx, 429) after the retries.</summary>
public sealed class HubUnavailableException(string problem, string fix, Exception? inner = null) : NetworkException(problem, fix, inner);

/// <summary>Exit 5: a download stopped part way; what arrived is kept and a rerun resumes from it.</summary>
public sealed class HubTransferInterruptedException(string problem, string fix, long keptBytes, string partialPath, Exception? inner = null)
    : NetworkException(problem, fix, inner)
{
    public long KeptBytes { get; } = keptBytes;

    public string PartialPath { get; } = partialPath;
}

/// <summary>Exit 5: the bytes received do not match the size or sha256 the Hub announced; they were deleted.</summary>
public sealed class HubIntegrityException(string problem, string fix) : NetworkException(problem, fix);

/// <summary>Exit 5: HF_HUB_OFFLINE is set and the cache does not hold what was asked for.</summary>
public sealed class HubOfflineException(string problem, string fix, IReadOnlyList<string> missing) : NetworkException(problem, fix)
{
    public IReadOnlyList<string> Missing { get; } = missing;
}

/// <summary>Exit 5: the server answered, but not like the Hub (no commit id, no ETag, broken JSON).</summary>
public sealed class HubProtocolException(string problem, string fix) : NetworkException(problem, fix);

/// <summary>Exit 3, kind "disk-full": the cache's disk cannot hold the download.</summary>
public sealed class HubDiskFullException(string problem, string fix, long neededBytes, long freeBytes) : DiskFullException(problem, fix)
{
    public long NeededBytes { get; } = neededBytes;

    public long FreeBytes { get; } = freeBytes;
}
