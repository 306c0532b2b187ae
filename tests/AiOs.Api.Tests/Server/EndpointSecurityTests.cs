using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Testing;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Tests.Server;

/// <summary>Cleartext only on loopback unless explicitly allowed; TLS from a certificate file.</summary>
public sealed class EndpointSecurityTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    [InlineData("::")]
    public void NonLoopbackAddress_WithoutTls_IsRefused_NamingTheSettings(string address)
    {
        var result = Validate(new ApiServerOptions { Address = address, DataDirectory = "/tmp" });

        Assert.True(result.Failed);
        Assert.Contains("AiOs:Api:CertificatePath", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("AiOs:Api:AllowInsecureRemote", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void NonLoopbackAddress_IsAllowed_WhenExplicitlyAllowed()
    {
        Assert.True(Validate(new ApiServerOptions { Address = "0.0.0.0", AllowInsecureRemote = true, DataDirectory = "/tmp" }).Succeeded);
    }

    [Fact]
    public void Loopback_IsAllowedInCleartext_ByDefault()
    {
        Assert.True(Validate(new ApiServerOptions { DataDirectory = "/tmp" }).Succeeded);
    }

    [Fact]
    public async Task NonLoopbackAddress_WithoutTls_StopsTheStart()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ApiHost.StartAsync(api: o => o.Address = "0.0.0.0"));

        Assert.Contains("AiOs:Api:CertificatePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateFile_ServesTheApiOverTls()
    {
        using var directory = new TempDirectory("aios-tls");
        using var certificate = SelfSigned();
        var path = Path.Combine(directory.Path, "api.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "pw"), TestContext.Current.CancellationToken);
        await using var host = await ApiHost.StartAsync(api: o =>
        {
            o.CertificatePath = path;
            o.CertificatePassword = "pw";
        });
        Assert.Equal("https", host.Endpoint.Scheme);

        using var handler = new SocketsHttpHandler();
        var thumbprint = certificate.Thumbprint;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is X509Certificate2 c && c.Thumbprint == thumbprint;
        using var client = new AiOsClient(new AiOsClientOptions { Endpoint = host.Endpoint, Handler = handler });

        Assert.Equal(ServingStatus.Serving, (await client.GetHealthAsync()).Status);
    }

    private static ValidateOptionsResult Validate(ApiServerOptions options) =>
        ((IValidateOptions<ApiServerOptions>)Activator.CreateInstance(
            typeof(ApiServerOptions).Assembly.GetType("AiOs.Api.ApiServerOptionsValidator")!)!).Validate(null, options);

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
