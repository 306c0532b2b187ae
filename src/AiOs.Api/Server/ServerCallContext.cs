using AiOs.Api.Keys;
using Microsoft.AspNetCore.Http;

namespace AiOs.Api.Server;

/// <summary>What a service method knows of its call besides the request: the caller, the deadline, cancellation and the
/// request metadata.</summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(HttpContext httpContext, string method, ApiCaller? caller, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Caller = caller;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The full method name, e.g. <c>/aios.v1.Health/GetHealth</c>.</summary>
    public string Method { get; }

    /// <summary>The key's owner; null for an open method called without a key.</summary>
    public ApiCaller? Caller { get; }

    /// <summary>The call's deadline (from <c>grpc-timeout</c>), if the client set one.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the client goes away, the deadline passes or the server stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Who the actor is for provenance: the key, or "anonymous".</summary>
    public string Actor => Caller?.Actor ?? "anonymous";

    internal HttpContext HttpContext { get; }

    /// <summary>A request metadata value (header names are lower case); null when absent.</summary>
    public string? GetMetadata(string name) =>
        HttpContext.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
}
