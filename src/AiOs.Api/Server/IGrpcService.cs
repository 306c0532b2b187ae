namespace AiOs.Api.Server;

/// <summary>A service implementation: binds its methods to the contract's descriptors.</summary>
public interface IGrpcService
{
    /// <summary>Registers the methods this service implements.</summary>
    void Bind(ServiceBinder binder);
}
