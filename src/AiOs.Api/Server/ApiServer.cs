using System.Net;
using System.Security.Cryptography.X509Certificates;
using AiOs.Api.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Server;

/// <summary>Runs the API on a Kestrel server of its own (HTTP/2 only, TLS when a certificate is configured), separate from
/// the host's HTTP endpoint so that its protocol, limits and pipeline are the API's alone. Started after the silo, so
/// that storage is ready for keys, and stopped before it.</summary>
internal sealed class ApiServer(
    IOptions<ApiServerOptions> options,
    IServiceProvider services,
    ApiServerLifetime lifetime,
    ApiEndpointAddress endpoint,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ApiServer>();
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Resolved here, not in the constructor: the host builds hosted services before it validates options, and a bad
        // setting (no storage, so no key store) must be reported as the setting, not as a missing service.
        var dispatcher = services.GetRequiredService<GrpcDispatcher>();
        if (settings.GenerateInitialKey)
        {
            await services.GetRequiredService<InitialOperatorKey>().EnsureAsync(Console.Out, cancellationToken).ConfigureAwait(false);
        }

        var address = IPAddress.Parse(settings.Address);
        var certificate = LoadCertificate(settings);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Messages are limited one by one (MaxMessageSize); a stream's body as a whole is not.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, settings.Port, listen =>
            {
                // HTTP/2 only: without TLS there is no protocol negotiation, and gRPC clients speak HTTP/2 from the start.
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        dispatcher.Stopping = lifetime.Stopping;
        app.Run(dispatcher.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        lifetime.StartedAt = time.GetUtcNow();
        endpoint.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Log.Listening(_logger, endpoint.Address ?? "(unknown)");
        if (!IPAddress.IsLoopback(address) && certificate is null)
        {
            Log.InsecureRemote(_logger, endpoint.Address ?? settings.Address);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lifetime.Stop();
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static X509Certificate2? LoadCertificate(ApiServerOptions settings)
    {
        if (string.IsNullOrEmpty(settings.CertificatePath))
        {
            return null;
        }

        var extension = Path.GetExtension(settings.CertificatePath);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
        }

        return string.IsNullOrEmpty(settings.CertificatePassword)
            ? X509Certificate2.CreateFromPemFile(settings.CertificatePath, settings.CertificateKeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(settings.CertificatePath, settings.CertificatePassword, settings.CertificateKeyPath);
    }
}
