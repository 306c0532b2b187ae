namespace AiOs.Host.Hosting;

/// <summary>Runs the service and turns a failed start into one readable line and exit code 1.</summary>
public static class AiOsApplicationExtensions
{
    /// <summary>Maps the service's endpoints: health probes, the connectors' endpoints, the dashboard at <c>/dashboard</c>, and
    /// the silo-to-silo endpoint when clustered.</summary>
    public static WebApplication MapAiOs(this WebApplication app)
    {
        app.MapAiOsHealth();
        app.MapAiOsCluster();
        app.MapAiOsConnectors();
        app.MapAiOsDashboard();
        return app;
    }

    /// <summary>Runs until stopped. Returns the process exit code.</summary>
    public static async Task<int> RunAiOsAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception exception)
        {
            // A bad setting or an unreachable database: the log has the details, the operator needs the reason.
            await Console.Error.WriteLineAsync($"AiOs could not start: {exception.Message}");
            return 1;
        }

        await app.WaitForShutdownAsync();

        // A silo its cluster declared dead stopped itself: fail, so that an orchestrator restarts it (as a new generation).
        return app.Services.GetService<AiOs.Cluster.ClusterStatus>() is { DeclaredDead: true } ? 1 : 0;
    }
}
