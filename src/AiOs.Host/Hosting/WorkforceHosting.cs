using AiOs.Workforce;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Models;
using AiOs.Runtime.Hosting;

namespace AiOs.Host.Hosting;

/// <summary>Adds the agent workforce to the service: its grains, its settings (<c>AiOs:Workforce</c>, <c>AiOs:Models</c>,
/// <c>AiOs:Memory</c>)
/// and the configured connectors. With no model endpoint configured every tier runs on the offline provider.</summary>
internal static class WorkforceHosting
{
    private const string WebhookClient = "aios-webhook";

    public static void AddWorkforce(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAiOsWorkforce();
        services.AddAiOsMemory(configuration);
        services.AddOptions<WorkforceOptions>().Bind(configuration.GetSection(WorkforceOptions.SectionName));
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName));

        var webhook = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>() ?? new WebhookOptions();
        if (webhook.Url is { } url)
        {
            services.AddHttpClient(WebhookClient, http => http.Timeout = webhook.Timeout);
            services.AddSingleton<IConnector>(sp => new WebhookConnector(sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookClient), url));
        }
    }

    public static SiloBuilder AddWorkforceGrains(this SiloBuilder silo) =>
        silo.AddGrains(typeof(CoordinatorGrain).Assembly).AddGrains(typeof(AiOs.Memory.MemoryScopeGrain).Assembly);
}
