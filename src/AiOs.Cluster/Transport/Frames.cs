using System.Buffers;
using System.Buffers.Binary;

namespace AiOs.Cluster.Transport;

/// <summary>Reads and writes frames (length, kind, payload).</summary>
internal static class Frames
{
    public const int HeaderLength = 5;

    /// <summary>Largest payload accepted; a bigger frame means a broken or hostile peer and ends the stream.</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    /// <summary>Builds one frame around <paramref name="payload"/>.</summary>
    public static byte[] Build(FrameKind kind, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        frame[4] = (byte)kind;
        payload.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>Takes one complete frame off the front of <paramref name="buffer"/>, if there is one.</summary>
    /// <exception cref="InvalidDataException">The frame is longer than <see cref="MaxPayloadLength"/> or of an unknown kind.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out FrameKind kind, out ReadOnlySequence<byte> payload)
    {
        kind = default;
        payload = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxPayloadLength)
        {
            throw new InvalidDataException($"A silo-to-silo frame declared {length} bytes; the limit is {MaxPayloadLength}.");
        }

        kind = (FrameKind)header[4];
        if (kind is not (FrameKind.Call or FrameKind.Result))
        {
            throw new InvalidDataException($"Unknown silo-to-silo frame kind {header[4]}.");
        }

        if (buffer.Length < HeaderLength + length)
        {
            return false;
        }

        payload = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(HeaderLength + length);
        return true;
    }
}
