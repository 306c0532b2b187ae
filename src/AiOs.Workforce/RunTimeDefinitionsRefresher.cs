using AiOs.Runtime;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce;

/// <summary>Copies what the operator defined at run time (roles: <see cref="IRoleCatalogGrain"/>; playbooks:
/// <see cref="IDefinedPlaybooksGrain"/>) into this silo's <see cref="RoleDirectory"/> and <see cref="PlaybookCatalog"/>
/// once the silo runs, then every <see cref="WorkforceOptions.RoleRefreshInterval"/>, so that a definition made through
/// any silo is known to the coordinators and role tasks of all of them.</summary>
public sealed class RunTimeDefinitionsRefresher(
    IGrainFactory grains, RoleDirectory directory, PlaybookCatalog playbooks, SiloRuntime runtime, IOptions<WorkforceOptions> options, TimeProvider time)
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
                    // Storage or a partition is unavailable for now: the definitions already loaded stay, the next round retries.
                }
            }

            await Task.Delay(runtime.IsRunning ? interval : TimeSpan.FromMilliseconds(200), time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads both catalogs now: roles first, since playbooks name them.</summary>
    public async Task RefreshAsync()
    {
        foreach (var role in await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All().ConfigureAwait(false))
        {
            directory.Add(role.Contract);
        }

        foreach (var playbook in await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key).All().ConfigureAwait(false))
        {
            playbooks.Add(playbook.Playbook);
        }
    }
}
