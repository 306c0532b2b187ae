using AiOs.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Roles;

/// <summary>Copies the roles defined at run time (<see cref="IRoleCatalogGrain"/>) into this silo's
/// <see cref="RoleDirectory"/> once the silo runs, then every <see cref="WorkforceOptions.RoleRefreshInterval"/>, so that a
/// role defined through any silo is known to the coordinators and role tasks of all of them.</summary>
public sealed class DefinedRolesRefresher(IGrainFactory grains, RoleDirectory directory, SiloRuntime runtime, IOptions<WorkforceOptions> options, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RoleRefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (runtime.IsRunning)
            {
                try
                {
                    await RefreshAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Storage or a partition is unavailable for now: the roles already loaded stay, the next round retries.
                }
            }

            await Task.Delay(runtime.IsRunning ? interval : TimeSpan.FromMilliseconds(200), time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads the catalog now.</summary>
    public async Task RefreshAsync()
    {
        var roles = await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All().ConfigureAwait(false);
        foreach (var role in roles)
        {
            directory.Add(role.Contract);
        }
    }
}
