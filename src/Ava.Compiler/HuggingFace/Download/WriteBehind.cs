using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace Ava.Compiler.HuggingFace.Download;

/// <summary>
/// Writes and hashes a single-connection download behind the socket: the receiving loop only fills buffers, one thread
/// writes them to the file in order and another feeds sha256. On a fast link the three costs (socket copy, page-cache
/// copy, sha256) then overlap instead of adding up — sha256 alone is about as slow as a loopback transfer.
/// A fixed set of buffers is the back-pressure: when the disk or the hash falls behind, the receiver waits for a buffer.
/// </summary>
internal sealed class WriteBehind : IAsyncDisposable
{
    public const int BufferSize = 1 << 20;
    private const int Buffers = 16;

    private readonly Channel<Block> _free = Channel.CreateBounded<Block>(Buffers);
    private readonly Channel<Block> _toWrite = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<Block> _toHash = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _writer;
    private readonly Task _hasher;
    private readonly IncrementalHash? _hash;
    private ExceptionDispatchInfo? _failure;

    /// <param name="write">Writes one buffer at its file offset (the caller's disk-full rules apply there).</param>
    public WriteBehind(Action<ReadOnlyMemory<byte>, long> write, IncrementalHash? hash)
    {
        _hash = hash;
        for (var i = 0; i < Buffers; i++) _free.Writer.TryWrite(new Block(new byte[BufferSize]));
        _writer = Task.Factory.StartNew(() => Consume(_toWrite, b => write(b.Data.AsMemory(0, b.Count), b.Offset)),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _hasher = hash is null
            ? Task.CompletedTask
            : Task.Factory.StartNew(() => Consume(_toHash, b => hash.AppendData(b.Data, 0, b.Count)),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>An empty buffer to receive into; waits while all buffers are still being written or hashed.</summary>
    public async ValueTask<Block> RentAsync(CancellationToken cancellationToken)
    {
        try
        {
            var block = await _free.Reader.ReadAsync(cancellationToken);
            block.Count = 0;
            return block;
        }
        catch (ChannelClosedException)
        {
            _failure!.Throw();
            throw;
        }
    }

    /// <summary>Hands a filled buffer over; it goes back to the free set once it is written and hashed.</summary>
    public void Post(Block block, long offset)
    {
        // Never throws: it runs in the receiver's finally; a writer or hasher failure surfaces at the next rent or at dispose.
        if (block.Count == 0)
        {
            _free.Writer.TryWrite(block);
            return;
        }
        block.Offset = offset;
        block.Pending = _hash is null ? 1 : 2;
        _toWrite.Writer.TryWrite(block);
        if (_hash is not null) _toHash.Writer.TryWrite(block);
    }

    /// <summary>Waits until everything posted is on disk and in the hash (before a restart, a split or the end).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var held = new List<Block>(Buffers);
        try
        {
            while (held.Count < Buffers) held.Add(await RentAsync(cancellationToken));
        }
        finally
        {
            foreach (var b in held) _free.Writer.TryWrite(b);
        }
    }

    /// <summary>Finishes the writes and the hash; rethrows the first failure of either.</summary>
    public async ValueTask DisposeAsync()
    {
        _toWrite.Writer.TryComplete();
        _toHash.Writer.TryComplete();
        await Task.WhenAll(_writer, _hasher).ContinueWith(_ => { }, TaskScheduler.Default);
        _failure?.Throw();
    }

    private async Task Consume(Channel<Block> queue, Action<Block> work)
    {
        try
        {
            await foreach (var block in queue.Reader.ReadAllAsync())
            {
                work(block);
                if (Interlocked.Decrement(ref block.Pending) == 0) _free.Writer.TryWrite(block);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            // Wakes the receiver (waiting for a buffer) with the failure instead of leaving it waiting forever.
            _free.Writer.TryComplete();
            throw;
        }
    }

    internal sealed class Block(byte[] data)
    {
        public byte[] Data { get; } = data;
        public int Count;
        public long Offset;
        public int Pending;
    }
}
