using System.IO.Pipelines;
using AiOs.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Api.Server;

/// <summary>Reads length-prefixed request messages from the request body, refusing compressed, oversized, truncated and
/// unparsable ones with the status the protocol asks for.</summary>
public sealed class RequestReader<T>
    where T : IMessage<T>, new()
{
    private static readonly MessageDescriptor Descriptor = new T().Descriptor;

    private readonly PipeReader _body;
    private readonly MessageParser<T> _parser;
    private readonly int _maxMessageSize;
    private readonly CancellationToken _cancellationToken;

    internal RequestReader(PipeReader body, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
    {
        _body = body;
        _parser = parser;
        _maxMessageSize = maxMessageSize;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The next message, or null at the end of the request.</summary>
    public async ValueTask<T?> ReadNextAsync()
    {
        while (true)
        {
            var result = await _body.ReadAsync(_cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (MessageFraming.TryReadPrefix(buffer, out var compressed, out var length))
            {
                if (compressed)
                {
                    _body.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.Unimplemented, "compressed messages are not supported; send them uncompressed (grpc-encoding identity)");
                }

                if (length > _maxMessageSize)
                {
                    _body.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"the request message is {length} bytes, more than the limit of {_maxMessageSize} bytes");
                }

                var end = GrpcProtocol.MessagePrefixLength + (long)length;
                if (buffer.Length >= end)
                {
                    var payload = buffer.Slice(GrpcProtocol.MessagePrefixLength, length);
                    if (!Utf8Validation.IsValid(Descriptor, payload))
                    {
                        _body.AdvanceTo(buffer.Start);
                        throw new RpcException(StatusCode.InvalidArgument, $"the request {typeof(T).Name} has a string field that is not valid UTF-8");
                    }

                    T message;
                    try
                    {
                        message = _parser.ParseFrom(payload);
                    }
                    catch (InvalidProtocolBufferException exception)
                    {
                        _body.AdvanceTo(buffer.Start);
                        throw new RpcException(StatusCode.InvalidArgument, $"the request is not a valid {typeof(T).Name}: {exception.Message}");
                    }

                    _body.AdvanceTo(buffer.GetPosition(end));
                    return message;
                }
            }

            if (result.IsCompleted)
            {
                _body.AdvanceTo(buffer.End);
                return buffer.Length == 0
                    ? default
                    : throw new RpcException(StatusCode.InvalidArgument, "the request ended inside a message (truncated frame)");
            }

            _body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The one message of a unary or server-streaming call: exactly one must come.</summary>
    internal async ValueTask<T> ReadSingleAsync()
    {
        var message = await ReadNextAsync().ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.InvalidArgument, "the request has no message");
        if (await ReadNextAsync().ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.InvalidArgument, "the request has more than one message; this method takes one");
        }

        return message;
    }
}
