using AiOs.Api.V1;
using AiOs.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;

namespace AiOs.Api.Server;

/// <summary>One method the server answers: its path, access class, and how to read its request and run it.</summary>
internal abstract class ServerMethod(MethodDescriptor descriptor)
{
    public MethodDescriptor Descriptor { get; } = descriptor;

    /// <summary>The HTTP/2 path: <c>/package.Service/Method</c>.</summary>
    public string Path { get; } = $"/{descriptor.Service.FullName}/{descriptor.Name}";

    /// <summary>The declared access class; methods without one (the reflection protocol) are open, those of aios.v1
    /// without one are operator-only.</summary>
    public Access Access { get; } = AccessOf(descriptor);

    /// <summary>Reads the request, runs the method and writes its messages (not the status).</summary>
    public abstract Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize);

    private static Access AccessOf(MethodDescriptor method)
    {
        if (method.File.Package != "aios.v1")
        {
            return Access.Open;
        }

        var options = method.GetOptions();
        return options is not null && options.HasExtension(AccessExtensions.Access) ? options.GetExtension(AccessExtensions.Access) : Access.Unspecified;
    }
}

/// <summary>A unary method.</summary>
internal sealed class UnaryMethod<TRequest, TResponse>(MethodDescriptor descriptor, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
    : ServerMethod(descriptor)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize)
    {
        var request = await new RequestReader<TRequest>(http.Request.BodyReader, Parser, maxMessageSize, call.CancellationToken)
            .ReadSingleAsync().ConfigureAwait(false);
        var response = await handler(request, call).ConfigureAwait(false);
        MessageFraming.Write(http.Response.BodyWriter, response, maxMessageSize);
    }
}

/// <summary>A method with one request and a stream of responses.</summary>
internal sealed class ServerStreamingMethod<TRequest, TResponse>(
    MethodDescriptor descriptor, Func<TRequest, ServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    : ServerMethod(descriptor)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize)
    {
        var request = await new RequestReader<TRequest>(http.Request.BodyReader, Parser, maxMessageSize, call.CancellationToken)
            .ReadSingleAsync().ConfigureAwait(false);
        // Headers go out before the first message, so that the client knows the call was accepted while it waits.
        await http.Response.StartAsync(call.CancellationToken).ConfigureAwait(false);
        await handler(request, new ServerStreamWriter<TResponse>(http.Response, maxMessageSize, call.CancellationToken), call).ConfigureAwait(false);
    }
}

/// <summary>A method with a stream of requests and one response.</summary>
internal sealed class ClientStreamingMethod<TRequest, TResponse>(
    MethodDescriptor descriptor, Func<RequestReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
    : ServerMethod(descriptor)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize)
    {
        var response = await handler(new RequestReader<TRequest>(http.Request.BodyReader, Parser, maxMessageSize, call.CancellationToken), call)
            .ConfigureAwait(false);
        MessageFraming.Write(http.Response.BodyWriter, response, maxMessageSize);
    }
}

/// <summary>A method with streams both ways (only server reflection).</summary>
internal sealed class DuplexStreamingMethod<TRequest, TResponse>(
    MethodDescriptor descriptor, Func<RequestReader<TRequest>, ServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    : ServerMethod(descriptor)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize)
    {
        await http.Response.StartAsync(call.CancellationToken).ConfigureAwait(false);
        await handler(
            new RequestReader<TRequest>(http.Request.BodyReader, Parser, maxMessageSize, call.CancellationToken),
            new ServerStreamWriter<TResponse>(http.Response, maxMessageSize, call.CancellationToken),
            call).ConfigureAwait(false);
    }
}

/// <summary>A method of the contract whose backing has not landed yet: UNIMPLEMENTED, saying so.</summary>
internal sealed class NotYetImplementedMethod(MethodDescriptor descriptor, string reason) : ServerMethod(descriptor)
{
    public override Task InvokeAsync(HttpContext http, ServerCallContext call, int maxMessageSize) =>
        throw new RpcException(StatusCode.Unimplemented, $"{Descriptor.FullName} is not implemented by this server yet: {reason}");
}
