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
        _buckets = new int[capacity];
        _slots = new Slot[capacity];
    }

    public int Count => _count;

    /// <summary>Adds the name at <paramref name="start"/> of <paramref name="blob"/>; false when it was already there.</summary>
    public bool Add(byte[] blob, int start, int length)
    {
        var name = blob.AsSpan(start, length);
        var hash = Hash(name);
        if (Find(name, hash) >= 0) return false;
        if (_count == _slots.Length) Grow();
        ref var bucket = ref _buckets[(uint)hash % (uint)_buckets.Length];
        _slots[_count] = new Slot(blob, start, length, hash, bucket);
        bucket = ++_count;
        return true;
    }

    public bool Contains(ReadOnlySpan<byte> name) => Find(name, Hash(name)) >= 0;

    private int Find(ReadOnlySpan<byte> name, int hash)
    {
        for (var i = _buckets[(uint)hash % (uint)_buckets.Length] - 1; i >= 0; i = _slots[i].Next - 1)
        {
            ref readonly var s = ref _slots[i];
            if (s.Hash == hash && name.SequenceEqual(s.Blob.AsSpan(s.Start, s.Length))) return i;
        }
        return -1;
    }

    private void Grow()
    {
        Array.Resize(ref _slots, _slots.Length * 2);
        _buckets = new int[_slots.Length];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[(uint)_slots[i].Hash % (uint)_buckets.Length];
            _slots[i] = _slots[i] with { Next = bucket };
            bucket = i + 1;
        }
    }

    private static int Hash(ReadOnlySpan<byte> name)
    {
        var h = new HashCode();
        h.AddBytes(name);
        return h.ToHashCode();
    }

    private readonly record struct Slot(byte[] Blob, int Start, int Length, int Hash, int Next);
}
