using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using AiOs.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

/// <summary>Makes gRPC calls over HTTP/2 with <see cref="HttpClient"/>: frames the request, applies the deadline
/// (<c>grpc-timeout</c> and a local timer), reads response messages and the status (from trailers, or from the headers of a
/// trailers-only response), and retries UNAVAILABLE for idempotent methods.</summary>
internal sealed class GrpcCallInvoker : IDisposable
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocol.ContentType);
    private readonly HttpClient _http;
    private readonly AiOsClientOptions _options;
    private readonly Uri _endpoint;

    public GrpcCallInvoker(AiOsClientOptions options)
    {
        _options = options;
        _endpoint = options.Endpoint;
        var handler = options.Handler ?? new SocketsHttpHandler
        {
            // Many concurrent calls spread over several connections instead of queueing behind one's stream limit.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler, disposeHandler: options.Handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            // Exact: cleartext endpoints get HTTP/2 with prior knowledge, never an HTTP/1.1 attempt.
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        var deadline = DateTimeOffset.UtcNow + (options.Timeout ?? _options.DefaultTimeout);
        var retries = IsIdempotent(method) ? _options.MaxRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await UnaryOnceAsync<TRequest, TResponse>(method, request, deadline, options.CancellationToken).ConfigureAwait(false);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable && attempt < retries)
            {
                var delay = Backoff(attempt);
                if (DateTimeOffset.UtcNow + delay >= deadline)
                {
                    throw;
                }

                await Task.Delay(delay, options.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        MethodDescriptor method, TRequest request, CallOptions options, [EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        DateTimeOffset? deadline = options.Timeout is { } timeout ? DateTimeOffset.UtcNow + timeout : null;
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, enumeratorCancellation);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(caller.Token);
        using var call = await StartAsync(method, request, deadline, cancellation, caller.Token).ConfigureAwait(false);
        while (true)
        {
            TResponse? message;
            try
            {
                message = await call.ReadAsync<TResponse>(_options.MaxMessageSize).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not RpcException)
            {
                throw call.Translate(exception);
            }

            if (message is null)
            {
                break;
            }

            yield return message;
        }

        call.ThrowIfNotOk();
    }

    /// <summary>A call with a stream of requests and one response. Never retried: the requests cannot be sent twice.
    /// Requests are framed as they are enumerated, so a long stream is not held in memory.</summary>
    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(MethodDescriptor method, IAsyncEnumerable<TRequest> requests, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(requests);
        var deadline = DateTimeOffset.UtcNow + (options.Timeout ?? _options.DefaultTimeout);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        using var call = await StartAsync(method, new FramedStreamContent<TRequest>(requests, Frame), deadline, cancellation, options.CancellationToken)
            .ConfigureAwait(false);
        return await ReadSingleAsync<TResponse>(method, call).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    // The one response of a unary or client-streaming call, then its status.
    private async Task<TResponse> ReadSingleAsync<TResponse>(MethodDescriptor method, ActiveCall call)
        where TResponse : IMessage<TResponse>, new()
    {
        try
        {
            var response = await call.ReadAsync<TResponse>(_options.MaxMessageSize).ConfigureAwait(false);
            if (response is not null && await call.ReadAsync<TResponse>(_options.MaxMessageSize).ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{method.FullName} answered with more than one message");
            }

            call.ThrowIfNotOk();
            return response ?? throw new RpcException(StatusCode.Internal, $"{method.FullName} answered OK without a message");
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw call.Translate(exception);
        }
    }

    private async Task<TResponse> UnaryOnceAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = await StartAsync(method, request, deadline, cancellation, cancellationToken).ConfigureAwait(false);
        return await ReadSingleAsync<TResponse>(method, call).ConfigureAwait(false);
    }

    private static byte[] Frame<TRequest>(TRequest request)
        where TRequest : IMessage<TRequest>
    {
        var frame = new byte[GrpcProtocol.MessagePrefixLength + request.CalculateSize()];
        MessageFraming.WritePrefix(frame, frame.Length - GrpcProtocol.MessagePrefixLength);
        request.WriteTo(frame.AsSpan(GrpcProtocol.MessagePrefixLength));
        return frame;
    }

    private Task<ActiveCall> StartAsync<TRequest>(
        MethodDescriptor method, TRequest request, DateTimeOffset? deadline, CancellationTokenSource cancellation, CancellationToken caller)
        where TRequest : IMessage<TRequest> =>
        StartAsync(method, new ByteArrayContent(Frame(request)), deadline, cancellation, caller);

    // cancellation: cancelled by the caller or at the deadline; caller: by the caller only, to tell the two apart.
    private async Task<ActiveCall> StartAsync(
        MethodDescriptor method, HttpContent content, DateTimeOffset? deadline, CancellationTokenSource cancellation, CancellationToken caller)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, $"/{method.Service.FullName}/{method.Name}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        message.Content.Headers.ContentType = GrpcContentType;
        message.Headers.TryAddWithoutValidation("te", "trailers");
        if (_options.ApiKey is { } key)
        {
            message.Headers.TryAddWithoutValidation(GrpcProtocol.AuthorizationHeader, "Bearer " + key);
        }

        if (deadline is { } at)
        {
            var remaining = at - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                message.Dispose();
                throw new RpcException(StatusCode.DeadlineExceeded, $"{method.FullName}: the deadline passed before the call started");
            }

            message.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(remaining));
            cancellation.CancelAfter(remaining);
        }

        var call = new ActiveCall(method, message, cancellation, deadline, caller);
        try
        {
            await call.SendAsync(_http).ConfigureAwait(false);
            return call;
        }
        catch (Exception exception)
        {
            call.Dispose();
            throw exception is RpcException ? exception : call.Translate(exception);
        }
    }

    private static bool IsIdempotent(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent;

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks((long)(_options.RetryBackoff.Ticks * Math.Pow(2, attempt) * (0.5 + (Random.Shared.NextDouble() / 2))));
}
