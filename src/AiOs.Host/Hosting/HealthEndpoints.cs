using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiOs.Host.Hosting;

/// <summary>The probes. <c>/healthz</c> (liveness): the process serves HTTP. <c>/readyz</c> (readiness): the silo has
/// started, which means its storage was reached and migrated. Both are open: they reveal nothing but up or down.</summary>
public static class HealthEndpoints
{
    public static WebApplication MapAiOsHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}

/// <summary>Ready once the silo is serving calls.</summary>
internal sealed class SiloReadinessCheck(AiOs.Runtime.SiloRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.IsRunning
            ? HealthCheckResult.Healthy($"silo {runtime.SiloId} is running")
            : HealthCheckResult.Unhealthy($"silo {runtime.SiloId} is not running"));
}
