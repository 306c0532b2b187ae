using System.Globalization;
using AiOs.Api.Keys;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Server;

/// <summary>The gRPC server over Kestrel's HTTP/2: checks the request is gRPC, finds the method, applies the deadline,
/// authenticates the key and checks its scope, runs the method and ends the response with the status in trailers (or in
/// headers alone, "trailers-only", when nothing was sent yet).</summary>
internal sealed class GrpcDispatcher(
    MethodTable methods,
    ApiKeyAuthenticator authenticator,
    IOptions<ApiServerOptions> options,
    TimeProvider time,
    ILogger<GrpcDispatcher> logger)
{
    private const string BearerPrefix = "Bearer ";
    private readonly int _maxMessageSize = options.Value.MaxMessageSize;
    private long _errorIds;

    /// <summary>Cancelled when the server stops, ending open streams.</summary>
    public CancellationToken Stopping { get; set; }

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            // Only reachable through a TLS endpoint that negotiated HTTP/1.1; gRPC needs HTTP/2.
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Upgrade = "h2";
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            await DrainAsync(request).ConfigureAwait(false);
            return;
        }

        if (!GrpcProtocol.IsProtobufContentType(request.ContentType))
        {
            // The protocol's answer to a request that is not gRPC: an HTTP error, not a gRPC status.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await DrainAsync(request).ConfigureAwait(false);
            return;
        }

        response.ContentType = GrpcProtocol.ContentType;
        var path = request.Path.Value;
        if (!methods.TryGet(path, out var method))
        {
            WriteStatus(response, StatusCode.Unimplemented, $"unknown method {Printable(path)}");
            await DrainAsync(request).ConfigureAwait(false);
            return;
        }

        using var deadline = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, deadline.Token, Stopping);
        DateTimeOffset? deadlineAt = null;
        try
        {
            if (request.Headers.TryGetValue(GrpcProtocol.EncodingHeader, out var encoding)
                && !string.Equals(encoding.ToString(), GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
            {
                throw new RpcException(StatusCode.Unimplemented, $"grpc-encoding {Printable(encoding.ToString())} is not supported; use identity");
            }

            if (request.Headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var timeoutValue))
            {
                if (!GrpcTimeout.TryParse(timeoutValue.ToString(), out var timeout))
                {
                    throw new RpcException(StatusCode.InvalidArgument, "malformed grpc-timeout header");
                }

                deadlineAt = time.GetUtcNow() + timeout;
                deadline.CancelAfter(timeout);
            }

            var caller = await AuthorizeAsync(request, method, linked.Token).ConfigureAwait(false);
            var call = new ServerCallContext(http, method.Path, caller, deadlineAt, linked.Token);
            if (deadlineAt is { } at)
            {
                // Grain calls made by the method get no later deadline than the client's.
                using (GrainCallDeadline.Begin(at))
                {
                    await method.InvokeAsync(http, call, _maxMessageSize).ConfigureAwait(false);
                }
            }
            else
            {
                await method.InvokeAsync(http, call, _maxMessageSize).ConfigureAwait(false);
            }

            WriteStatus(response, StatusCode.OK, null);
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            var deadlinePassed = deadline.IsCancellationRequested || (deadlineAt is { } at && time.GetUtcNow() >= at);
            var (status, detail, isBug) = StatusMapping.Map(exception, deadlinePassed);
            if (isBug)
            {
                var errorId = Interlocked.Increment(ref _errorIds).ToString("x", CultureInfo.InvariantCulture);
                Log.CallFailed(logger, exception, method.Path, errorId);
                detail = $"internal error (error id {errorId} in the silo's log)";
            }
            else
            {
                Log.CallEnded(logger, method.Path, status, detail);
            }

            WriteStatus(response, status, detail);
            await DrainAsync(request).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads a status.
        }
    }

    private async ValueTask<ApiCaller?> AuthorizeAsync(HttpRequest request, ServerMethod method, CancellationToken cancellationToken)
    {
        if (method.Access == Access.Open)
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw new RpcException(StatusCode.Unauthenticated, "this method needs an API key: send 'authorization: Bearer <key>'");
        }

        var key = header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
        var caller = await authenticator.AuthenticateAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Unauthenticated, "the API key is not valid (unknown, revoked or malformed)");
        if (!ApiKeyScopes.Admits(caller.Scope, method.Access))
        {
            throw new RpcException(StatusCode.PermissionDenied,
                $"a {caller.Scope} key may not call {method.Descriptor.FullName}");
        }

        return caller;
    }

    private static void WriteStatus(HttpResponse response, StatusCode status, string? detail)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        if (status != StatusCode.OK && !response.HasStarted)
        {
            // Trailers-only: no message was sent, so the status travels in the one HEADERS frame. (A success always
            // follows a message, which may still sit unflushed in the body writer: its status goes in trailers.)
            response.Headers[GrpcProtocol.StatusHeader] = code;
            if (!string.IsNullOrEmpty(detail))
            {
                response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusDetail.Encode(detail);
            }

            return;
        }

        response.AppendTrailer(GrpcProtocol.StatusHeader, code);
        if (!string.IsNullOrEmpty(detail))
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcStatusDetail.Encode(detail));
        }
    }

    // Reads what is left of a small request body before an early answer completes the stream. Answering while the client
    // still sends leaves the stream half open on the server; many such streams make Kestrel refuse new ones with
    // ENHANCE_YOUR_CALM (its defence against stream floods), so well-meaning clients that send a bad request would be
    // refused after it. A large body is not read: the stream is reset when the response completes.
    private static async Task DrainAsync(HttpRequest request)
    {
        const long Limit = 64 * 1024;
        long drained = 0;
        try
        {
            // The answer goes out first: a client that keeps its side open until it hears back must not wait for us.
            await request.HttpContext.Response.CompleteAsync().ConfigureAwait(false);
            while (drained <= Limit)
            {
                var result = await request.BodyReader.ReadAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                drained += result.Buffer.Length;
                request.BodyReader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away or the body was already consumed: nothing left to drain.
        }
    }

    // A path or header value echoed in a status: bounded, so that a huge or binary value does not come back whole.
    private static string Printable(string? value) =>
        value is null ? "(none)" : value.Length <= 200 ? value : value[..200] + "...";
}
