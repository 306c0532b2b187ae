using System.Buffers;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace AiOs.Api.Server;

/// <summary>Checks that every string field of an encoded message is valid UTF-8, as proto3 requires. Google.Protobuf's C#
/// parser replaces invalid bytes instead of refusing them, which would let a request name something other than what its
/// sender wrote; the server refuses such requests with INVALID_ARGUMENT. Structure errors are left to the parser.</summary>
internal static class Utf8Validation
{
    private const int MaxDepth = 64;

    public static bool IsValid(MessageDescriptor descriptor, in ReadOnlySequence<byte> message) =>
        message.IsSingleSegment ? IsValid(descriptor, message.FirstSpan, 0) : IsValid(descriptor, message.ToArray(), 0);

    private static bool IsValid(MessageDescriptor descriptor, ReadOnlySpan<byte> data, int depth)
    {
        if (depth > MaxDepth)
        {
            return true;
        }

        while (!data.IsEmpty)
        {
            if (!TryReadVarint(ref data, out var tag))
            {
                return true;
            }

            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    if (!TryReadVarint(ref data, out _))
                    {
                        return true;
                    }

                    break;
                case 1:
                case 5:
                    var size = wireType == 1 ? 8 : 4;
                    if (data.Length < size)
                    {
                        return true;
                    }

                    data = data[size..];
                    break;
                case 2:
                    if (!TryReadVarint(ref data, out var length) || length > (ulong)data.Length)
                    {
                        return true;
                    }

                    var payload = data[..(int)length];
                    data = data[(int)length..];
                    var field = descriptor.FindFieldByNumber((int)(tag >> 3));
                    if (field?.FieldType == FieldType.String && !Utf8.IsValid(payload))
                    {
                        return false;
                    }

                    if (field?.FieldType == FieldType.Message && !IsValid(field.MessageType, payload, depth + 1))
                    {
                        return false;
                    }

                    break;
                default:
                    // Groups or an invalid wire type: the parser decides.
                    return true;
            }
        }

        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !data.IsEmpty; shift += 7)
        {
            var b = data[0];
            data = data[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
