using AiOs.Grpc;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace AiOs.Api.Server;

/// <summary>Sends the messages of a server stream, each flushed at once so that the client sees it live.</summary>
public sealed class ServerStreamWriter<T>
    where T : IMessage<T>
{
    private readonly HttpResponse _response;
    private readonly int _maxMessageSize;
    private readonly CancellationToken _cancellationToken;

    internal ServerStreamWriter(HttpResponse response, int maxMessageSize, CancellationToken cancellationToken)
    {
        _response = response;
        _maxMessageSize = maxMessageSize;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Writes one message and flushes it to the client.</summary>
    public async ValueTask WriteAsync(T message)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        MessageFraming.Write(_response.BodyWriter, message, _maxMessageSize);
        var flushed = await _response.BodyWriter.FlushAsync(_cancellationToken).ConfigureAwait(false);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            throw new OperationCanceledException("the client stopped reading the stream", _cancellationToken);
        }
    }

    /// <summary>Writes a last message even though the call is being cancelled because the server stops (e.g. the final
    /// NOT_SERVING of a health watch).</summary>
    internal async ValueTask WriteFinalAsync(T message)
    {
        MessageFraming.Write(_response.BodyWriter, message, _maxMessageSize);
        await _response.BodyWriter.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
