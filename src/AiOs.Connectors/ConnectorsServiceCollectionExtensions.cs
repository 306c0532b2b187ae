using AiOs.Connectors;
using AiOs.Connectors.Calendar;
using AiOs.Connectors.Resilience;
using AiOs.Connectors.Smtp;
using AiOs.Connectors.Webhook;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Entities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the connectors that the configuration sets up (sections
/// <c>AiOs:Connectors:Smtp</c>, <c>:Webhook</c>, <c>:Calendar</c>), each as an <see cref="IConnector"/> for the action
/// ledger and an <see cref="IConnectorHealth"/> for the operator; their settings are validated at start.</summary>
public static class ConnectorsServiceCollectionExtensions
{
    public static IServiceCollection AddAiOsConnectors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName)).ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.AddOptions<CalendarOptions>().Bind(configuration.GetSection(CalendarOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, ConnectorsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, ConnectorsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CalendarOptions>, ConnectorsOptionsValidator>());

        var smtp = configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() ?? new SmtpOptions();
        var webhook = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>() ?? new WebhookOptions();
        var calendar = configuration.GetSection(CalendarOptions.SectionName).Get<CalendarOptions>() ?? new CalendarOptions();
        if (!string.IsNullOrWhiteSpace(smtp.Host))
        {
            services.AddSingleton(sp => new SmtpConnector(
                sp.GetRequiredService<IOptions<SmtpOptions>>().Value,
                async (customerId, _) => (await sp.GetRequiredService<AiOs.IGrainFactory>().GetGrain<ICustomerGrain>(customerId).Get().ConfigureAwait(false))?.Value.Email,
                sp.GetRequiredService<ILogger<SmtpConnector>>(),
                sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IConnector>(sp => sp.GetRequiredService<SmtpConnector>());
            services.AddSingleton<IConnectorHealth>(sp => sp.GetRequiredService<SmtpConnector>());
        }

        if (webhook.Url is not null)
        {
            services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
                if (string.IsNullOrWhiteSpace(smtp.Host) && !options.Actions.Contains("email.send"))
                {
                    // No SMTP server: email goes to the webhook (an automation tool sends it), as before connectors existed.
                    options.Actions.Add("email.send");
                }

                return new WebhookConnector(options, sp.GetRequiredService<ILogger<WebhookConnector>>(), sp.GetRequiredService<TimeProvider>());
            });
            services.AddSingleton<IConnector>(sp => sp.GetRequiredService<WebhookConnector>());
            services.AddSingleton<IConnectorHealth>(sp => sp.GetRequiredService<WebhookConnector>());
        }

        if (calendar.FeedToken is not null)
        {
            services.AddSingleton(sp => new CalendarConnector(
                sp.GetRequiredService<IOptions<CalendarOptions>>().Value, sp.GetRequiredService<ILogger<CalendarConnector>>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IConnector>(sp => sp.GetRequiredService<CalendarConnector>());
            services.AddSingleton<IConnectorHealth>(sp => sp.GetRequiredService<CalendarConnector>());
            services.AddSingleton(sp => new CalendarFeed(sp.GetRequiredService<AiOs.Persistence.Ledger.IActionLedger>(), sp.GetRequiredService<IOptions<CalendarOptions>>().Value));
        }

        return services;
    }
}
