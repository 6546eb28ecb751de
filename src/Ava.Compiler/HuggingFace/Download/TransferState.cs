namespace Ava.Compiler.HuggingFace.Download;

/// <summary>What one blob download did: bytes that came over the network this time, and bytes kept from an earlier attempt.</summary>
public sealed record TransferOutcome(long BytesTransferred, long ResumedFrom, bool Parallel)
{
    /// <summary>Set when a single-connection download stopped after this many bytes to continue over several.</summary>
    internal long? SplitAt { get; init; }
}

/// <summary>Thrown inside a parallel download when the server answers a ranged request with the whole file.</summary>
internal sealed class RangeNotHonouredException() : Exception("The server ignored the Range header.");

/// <summary>Counts transient failures the way huggingface_hub does: any progress resets the count.</summary>
internal sealed class RetryBudget(int maxRetries)
{
    private int _failuresWithoutProgress;

    /// <summary>True when another attempt is allowed.</summary>
    public bool Fail(bool madeProgress)
    {
        _failuresWithoutProgress = madeProgress ? 1 : _failuresWithoutProgress + 1;
        return _failuresWithoutProgress <= maxRetries;
    }

    public int Attempt => _failuresWithoutProgress;
}
