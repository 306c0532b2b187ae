using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

/// <summary>A client of a silo's aios.v1 API. Thread-safe; keep one per endpoint. Calls throw
/// <see cref="Grpc.RpcException"/> with the status the server (or the transport) gave. Idempotent methods (those the
/// contract marks NO_SIDE_EFFECTS or IDEMPOTENT) are retried on UNAVAILABLE within their deadline; others never are.</summary>
public sealed partial class AiOsClient : IDisposable
{
    private readonly GrpcCallInvoker _invoker;

    /// <summary>Creates a client; <paramref name="options"/> default to <see cref="AiOsClientOptions.FromEnvironment"/>.</summary>
    public AiOsClient(AiOsClientOptions? options = null)
    {
        Options = options ?? AiOsClientOptions.FromEnvironment();
        _invoker = new GrpcCallInvoker(Options);
    }

    /// <summary>The client's settings.</summary>
    public AiOsClientOptions Options { get; }

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();

    private Task<TResponse> Unary<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        _invoker.UnaryAsync<TRequest, TResponse>(method, request, options);

    private IAsyncEnumerable<TResponse> Stream<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        _invoker.ServerStreamingAsync<TRequest, TResponse>(method, request, options);

    private static MethodDescriptor Method(FileDescriptor file, string name) =>
        file.Services[0].FindMethodByName(name) ?? throw new InvalidOperationException($"{file.Services[0].FullName} has no method {name}");

    // For files with several services (entities.proto: Customers, Projects, Leads).
    private static MethodDescriptor Method(FileDescriptor file, string service, string name) =>
        file.Services.FirstOrDefault(s => s.Name == service)?.FindMethodByName(name)
        ?? throw new InvalidOperationException($"aios.v1.{service} has no method {name}");
}
