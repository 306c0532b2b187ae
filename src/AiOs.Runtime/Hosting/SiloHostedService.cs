using AiOs.Persistence;
using AiOs.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Runtime.Hosting;

/// <summary>Prepares storage, then starts the silo; on shutdown drains it. A storage that cannot be reached stops the
/// host at start with a message that names the provider and where it is (never its credentials).</summary>
internal sealed class SiloHostedService(IServiceProvider services, SiloRuntime runtime, IOptions<SiloOptions> options, ILogger<SiloHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = services.GetService<IStorageProvider>();
        if (storage is not null)
        {
            try
            {
                await storage.InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The provider's message already names the provider and where it is (never credentials).
                Log.StorageInitializationFailed(logger, exception, storage.Location);
                throw;
            }
        }

        await runtime.StartAsync(cancellationToken).ConfigureAwait(false);
        Log.SiloStarted(logger, options.Value.SiloId, runtime.Types.Classes.Count(), runtime.Ownership.PartitionCount,
            storage?.Location ?? "none");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
        Log.SiloStopped(logger, options.Value.SiloId);
    }
}
