using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Api.Server;

/// <summary>Collects method implementations, checking each against its descriptor's shape (streaming and message types)
/// so that a mismatch fails at start, not at the first call.</summary>
public sealed class ServiceBinder
{
    internal Dictionary<string, ServerMethod> Methods { get; } = new(StringComparer.Ordinal);

    /// <summary>Binds a unary method.</summary>
    public ServiceBinder Unary<TRequest, TResponse>(ServiceDescriptor service, string name, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        Add(new UnaryMethod<TRequest, TResponse>(Find<TRequest, TResponse>(service, name, false, false), handler));

    /// <summary>Binds a server-streaming method.</summary>
    public ServiceBinder ServerStreaming<TRequest, TResponse>(
        ServiceDescriptor service, string name, Func<TRequest, ServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        Add(new ServerStreamingMethod<TRequest, TResponse>(Find<TRequest, TResponse>(service, name, false, true), handler));

    /// <summary>Binds a client-streaming method.</summary>
    public ServiceBinder ClientStreaming<TRequest, TResponse>(
        ServiceDescriptor service, string name, Func<RequestReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        Add(new ClientStreamingMethod<TRequest, TResponse>(Find<TRequest, TResponse>(service, name, true, false), handler));

    /// <summary>Binds a method streaming both ways.</summary>
    public ServiceBinder DuplexStreaming<TRequest, TResponse>(
        ServiceDescriptor service, string name, Func<RequestReader<TRequest>, ServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        Add(new DuplexStreamingMethod<TRequest, TResponse>(Find<TRequest, TResponse>(service, name, true, true), handler));

    private ServiceBinder Add(ServerMethod method)
    {
        if (!Methods.TryAdd(method.Path, method))
        {
            throw new InvalidOperationException($"{method.Path} is bound twice.");
        }

        return this;
    }

    private static MethodDescriptor Find<TRequest, TResponse>(ServiceDescriptor service, string name, bool clientStreaming, bool serverStreaming)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName(name) ?? throw new InvalidOperationException($"{service.FullName} has no method {name}.");
        if (method.IsClientStreaming != clientStreaming || method.IsServerStreaming != serverStreaming
            || method.InputType.FullName != new TRequest().Descriptor.FullName || method.OutputType.FullName != new TResponse().Descriptor.FullName)
        {
            throw new InvalidOperationException($"{method.FullName} is bound with the wrong shape or message types.");
        }

        return method;
    }
}
