using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AiOs.Persistence.Events;

/// <summary>How events are hashed, identically by every provider and by the verifier.
///
/// <para>Each event splits into a personal part (stream key and payload, which may name or describe a person) and a
/// structural part (sequence, time, stream type, revision, kind, provenance). The personal part enters the chain only
/// through its <em>content digest</em>, SHA-256 over a random per-event salt, the stream key and the payload. The chain
/// hash of event <c>n</c> is SHA-256 over the hash of event <c>n-1</c> (32 zero bytes for the first), the structural
/// part, and the content digest.</para>
/// <para>So the personal part can be erased (key, payload and salt set to null) while every hash still verifies: the
/// verifier checks an erased event's stored digest instead of recomputing it. Erasing the salt too matters: without it,
/// the digest of a short payload such as an email address could be found by trying candidates.</para>
/// <para>Fields are written length-prefixed (big-endian lengths and integers, UTF-8 text), so no two different events
/// hash the same input. Times are microseconds since the Unix epoch, the precision both providers store.</para>
/// </summary>
public static class EventHashing
{
    /// <summary>Length of a salt in bytes.</summary>
    public const int SaltLength = 16;

    /// <summary>Length of a digest or hash in bytes (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>The "previous hash" of the first event.</summary>
    public static byte[] Genesis => new byte[HashLength];

    /// <summary>A fresh random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    /// <summary>The time as stored: truncated to the microsecond, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utcTicks = time.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % 10), TimeSpan.Zero);
    }

    /// <summary>SHA-256 over the salt, the stream key and the payload.</summary>
    public static byte[] ContentDigest(ReadOnlySpan<byte> salt, string streamKey, string payload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendBytes(hash, salt);
        AppendText(hash, streamKey);
        AppendText(hash, payload);
        return hash.GetHashAndReset();
    }

    /// <summary>The chain hash of an event.</summary>
    public static byte[] Link(
        ReadOnlySpan<byte> previousHash,
        long sequence,
        DateTimeOffset occurredAt,
        string streamType,
        long revision,
        string kind,
        EventProvenance provenance,
        ReadOnlySpan<byte> contentDigest)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendBytes(hash, previousHash);
        AppendInt64(hash, sequence);
        AppendInt64(hash, (Truncate(occurredAt).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        AppendText(hash, streamType);
        AppendInt64(hash, revision);
        AppendText(hash, kind);
        AppendText(hash, provenance.Source);
        AppendText(hash, provenance.Actor);
        AppendText(hash, provenance.Reference);
        AppendBytes(hash, contentDigest);
        return hash.GetHashAndReset();
    }

    /// <summary>The chain hash of <paramref name="stored"/> given its predecessor's hash.</summary>
    public static byte[] Link(ReadOnlySpan<byte> previousHash, StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Link(previousHash, stored.Sequence, stored.OccurredAt, stored.StreamType, stored.Revision, stored.Kind, stored.Provenance, stored.ContentDigest);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void AppendBytes(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        AppendInt64(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    // Null and empty text differ: a null is written as length -1.
    private static void AppendText(IncrementalHash hash, string? text)
    {
        if (text is null)
        {
            AppendInt64(hash, -1);
            return;
        }

        AppendBytes(hash, Encoding.UTF8.GetBytes(text));
    }
}
