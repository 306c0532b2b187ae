using Microsoft.Extensions.Hosting;

namespace AiOs.Dashboard.Collection;

/// <summary>Runs the sampler for the life of the host.</summary>
internal sealed class SamplerService(MetricsSampler sampler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        sampler.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sampler.Dispose();
        return Task.CompletedTask;
    }
}
