namespace Ava.Compiler.Binary;

/// <summary>
/// A set of symbol names kept as slices of the string tables they were read from: no string per name. Names compare as
/// stored bytes, as a linker compares them. Used where every symbol of a large library is looked at once.
/// </summary>
internal sealed class Utf8NameSet
{
    private int[] _buckets; // 1-based index into _slots; 0 = empty
    private Slot[] _slots;
    private int _count;

    /// <param name="capacity">Expected names; sizing it up front avoids regrowing large tables.</param>
    public Utf8NameSet(int capacity = 64)
    {
        capacity = Math.Max(capacity, 16);
        _buckets = new int[BucketCount(capacity)];
        _slots = new Slot[capacity];
    }

    /// <summary>A power of two at least twice the capacity: short chains, and a mask instead of a division.</summary>
    private static int BucketCount(int capacity) => (int)Math.Min(1u << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2));

    public int Count => _count;

    /// <summary>Adds the name at <paramref name="start"/> of <paramref name="blob"/>; false when it was already there.</summary>
    public bool Add(byte[] blob, int start, int length)
    {
        var name = blob.AsSpan(start, length);
        var hash = Hash(name);
        if (Find(name, hash) >= 0) return false;
        if (_count == _slots.Length) Grow();
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _slots[_count] = new Slot(blob, start, length, hash, bucket);
        bucket = ++_count;
        return true;
    }

    public bool Contains(ReadOnlySpan<byte> name) => Find(name, Hash(name)) >= 0;

    private int Find(ReadOnlySpan<byte> name, int hash)
    {
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _slots[i].Next - 1)
        {
            ref readonly var s = ref _slots[i];
            if (s.Hash == hash && name.SequenceEqual(s.Blob.AsSpan(s.Start, s.Length))) return i;
        }
        return -1;
    }

    private void Grow()
    {
        Array.Resize(ref _slots, _slots.Length * 2);
        _buckets = new int[BucketCount(_slots.Length)];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[_slots[i].Hash & (_buckets.Length - 1)];
            _slots[i] = _slots[i] with { Next = bucket };
            bucket = i + 1;
        }
    }

    /// <summary>
    /// Eight bytes per step, multiply-and-rotate mixing, a final avalanche (names are file content, but a slow bucket
    /// only costs time on a hostile file; every name is still compared in full).
    /// </summary>
    private static int Hash(ReadOnlySpan<byte> name)
    {
        const ulong k = 0x9E3779B97F4A7C15;
        var h = (ulong)name.Length * k;
        while (name.Length >= 8)
        {
            h = System.Numerics.BitOperations.RotateLeft((h ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(name)) * k, 29);
            name = name[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < name.Length; i++) tail |= (ulong)name[i] << (8 * i);
        h = (h ^ tail) * k;
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93;
        h ^= h >> 32;
        return (int)h;
    }

    private readonly record struct Slot(byte[] Blob, int Start, int Length, int Hash, int Next);
}
