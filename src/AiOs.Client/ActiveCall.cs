using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AiOs.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

/// <summary>One call in flight: the HTTP exchange, the response body being read, and the status once known.</summary>
internal sealed class ActiveCall(
    MethodDescriptor method, HttpRequestMessage request, CancellationTokenSource cancellation, DateTimeOffset? deadline, CancellationToken caller)
    : IDisposable
{
    private readonly byte[] _prefix = new byte[GrpcProtocol.MessagePrefixLength];
    private HttpResponseMessage? _response;
    private Stream? _body;
    private (StatusCode Code, string Detail)? _status;

    public async Task SendAsync(HttpClient http)
    {
        _response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation.Token).ConfigureAwait(false);
        if (_response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(FromHttpStatus(_response.StatusCode), $"{method.FullName}: the server answered HTTP {(int)_response.StatusCode}");
        }

        // Trailers-only: the status is in the headers, and there are no messages.
        _status = ReadStatus(_response.Headers);
        if (_status is null)
        {
            var contentType = _response.Content.Headers.ContentType?.MediaType;
            if (contentType is null || !contentType.StartsWith(GrpcProtocol.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(StatusCode.Unknown, $"{method.FullName}: the server's answer is not gRPC (content type {contentType ?? "none"})");
            }

            _body = await _response.Content.ReadAsStreamAsync(cancellation.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The next message, or null when the response has no more (then the status is known).</summary>
    public async Task<T?> ReadAsync<T>(int maxMessageSize)
        where T : IMessage<T>, new()
    {
        if (_body is null)
        {
            return default;
        }

        var read = await _body.ReadAtLeastAsync(_prefix, _prefix.Length, throwOnEndOfStream: false, cancellation.Token).ConfigureAwait(false);
        if (read == 0)
        {
            _status = ReadStatus(_response!.TrailingHeaders)
                ?? (StatusCode.Internal, $"{method.FullName}: the response ended without a status");
            _body = null;
            return default;
        }

        if (read < _prefix.Length)
        {
            throw new RpcException(StatusCode.Internal, $"{method.FullName}: the response ended inside a message");
        }

        if (_prefix[0] != 0)
        {
            throw new RpcException(StatusCode.Internal, $"{method.FullName}: the server sent a compressed message, which this client did not ask for");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_prefix.AsSpan(1));
        if (length > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"{method.FullName}: a response message of {length} bytes is larger than the limit of {maxMessageSize}");
        }

        var payload = new byte[length];
        await _body.ReadExactlyAsync(payload, cancellation.Token).ConfigureAwait(false);
        var message = new T();
        message.MergeFrom(payload);
        return message;
    }

    public void ThrowIfNotOk()
    {
        if (_status is { } status && status.Code != StatusCode.OK)
        {
            throw new RpcException(status.Code, status.Detail);
        }
    }

    /// <summary>The status for an exception of the transport: the deadline, a cancellation, or an unreachable server.</summary>
    public Exception Translate(Exception exception)
    {
        // A cancellation the caller did not ask for is the deadline's timer (which may fire a little before the clock
        // shows the deadline, so the clock is not asked).
        if (exception is OperationCanceledException && deadline is not null && !caller.IsCancellationRequested)
        {
            return new RpcException(StatusCode.DeadlineExceeded, $"{method.FullName}: the deadline passed", exception);
        }

        return exception switch
        {
            InvalidProtocolBufferException => new RpcException(StatusCode.Internal, $"{method.FullName}: the response is not a valid message", exception),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, $"{method.FullName}: cancelled", exception),
            HttpRequestException or IOException => new RpcException(StatusCode.Unavailable,
                $"{method.FullName}: cannot reach {request.RequestUri?.GetLeftPart(UriPartial.Authority)} ({Innermost(exception).Message})", exception),
            _ => exception,
        };
    }

    public void Dispose()
    {
        _body?.Dispose();
        _response?.Dispose();
        request.Dispose();
    }

    private static (StatusCode, string)? ReadStatus(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return null;
        }

        var code = int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? (StatusCode)number : StatusCode.Unknown;
        var detail = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? GrpcStatusDetail.Decode(messages.FirstOrDefault()) : "";
        return (code, detail);
    }

    // The gRPC protocol's mapping of HTTP statuses from servers or proxies that did not answer in gRPC.
    private static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;
}
