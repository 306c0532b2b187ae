using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Runtime;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Health: up or down, nothing else (it is open).</summary>
internal sealed class HealthService(SiloRuntime runtime, ApiServerLifetime lifetime) : IGrpcService
{
    public void Bind(ServiceBinder binder)
    {
        var service = HealthReflection.Descriptor.Services[0];
        binder.Unary<GetHealthRequest, HealthStatus>(service, "GetHealth", (_, _) => Task.FromResult(Current()));
        binder.ServerStreaming<WatchHealthRequest, HealthStatus>(service, "WatchHealth", WatchAsync);
    }

    private HealthStatus Current() => new()
    {
        Status = runtime.IsRunning && !lifetime.Stopping.IsCancellationRequested ? ServingStatus.Serving : ServingStatus.NotServing,
    };

    private async Task WatchAsync(WatchHealthRequest request, ServerStreamWriter<HealthStatus> stream, ServerCallContext call)
    {
        await stream.WriteAsync(Current()).ConfigureAwait(false);
        // The only change while the server runs is to stopping, which cancels the call's token too: then NOT_SERVING is
        // the last message, sent before the stream ends.
        try
        {
            await Task.Delay(Timeout.Infinite, call.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.Stopping.IsCancellationRequested)
        {
        }

        await stream.WriteFinalAsync(new HealthStatus { Status = ServingStatus.NotServing }).ConfigureAwait(false);
    }
}
