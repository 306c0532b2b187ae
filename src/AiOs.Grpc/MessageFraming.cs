using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace AiOs.Grpc;

/// <summary>gRPC's length-prefixed messages: one byte compressed flag (AiOs never compresses), a 32-bit big-endian length,
/// then the protobuf bytes.</summary>
public static class MessageFraming
{
    /// <summary>Writes <paramref name="message"/> with its prefix to <paramref name="writer"/>.</summary>
    /// <exception cref="RpcException">ResourceExhausted: the message is larger than <paramref name="maxSize"/>.</exception>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int maxSize)
    {
        var size = message.CalculateSize();
        if (size > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"the {message.Descriptor.FullName} message is {size} bytes, more than the limit of {maxSize} bytes");
        }

        var span = writer.GetSpan(GrpcProtocol.MessagePrefixLength + size);
        WritePrefix(span, size);
        message.WriteTo(span.Slice(GrpcProtocol.MessagePrefixLength, size));
        writer.Advance(GrpcProtocol.MessagePrefixLength + size);
    }

    /// <summary>Writes an uncompressed message's prefix for a body of <paramref name="length"/> bytes.</summary>
    public static void WritePrefix(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Reads a prefix from the start of <paramref name="buffer"/>; false when fewer than five bytes are there.</summary>
    public static bool TryReadPrefix(in ReadOnlySequence<byte> buffer, out bool compressed, out uint length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < GrpcProtocol.MessagePrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocol.MessagePrefixLength];
        buffer.Slice(0, GrpcProtocol.MessagePrefixLength).CopyTo(prefix);
        compressed = prefix[0] != 0;
        length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        return true;
    }
}
