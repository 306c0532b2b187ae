using System.Text;

namespace AiOs.Runtime.Placement;

/// <summary>Maps a grain id to its partition with a hash that is stable across processes, machines and .NET versions
/// (string.GetHashCode is randomized per process, so it cannot be used). 32-bit FNV-1a over the UTF-8 bytes of
/// <c>type/key</c>, reduced modulo the partition count.</summary>
public static class PartitionHasher
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>The partition of <paramref name="grainId"/> among <paramref name="partitionCount"/>.</summary>
    public static int GetPartition(GrainId grainId, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        var hash = OffsetBasis;
        hash = Mix(hash, grainId.Type);
        hash = (hash ^ '/') * Prime;
        hash = Mix(hash, grainId.Key);

        // FNV's low bits are weak for small moduli; fold the high half in first.
        hash ^= hash >> 16;
        return (int)(hash % (uint)partitionCount);
    }

    private static uint Mix(uint hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var byteCount = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length
            ? Encoding.UTF8.GetBytes(text, buffer)
            : -1;
        ReadOnlySpan<byte> bytes = byteCount >= 0 ? buffer[..byteCount] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
