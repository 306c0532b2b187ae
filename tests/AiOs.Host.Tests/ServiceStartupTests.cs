using System.Net;
using AiOs.Testing;

namespace AiOs.Host.Tests;

/// <summary>The service program, started as a separate process the way a new user starts it.</summary>
[Trait("Category", "Integration")]
public sealed class ServiceStartupTests(ITestOutputHelper output) : IDisposable
{
    private const string Banner = @"AiOs is running at (http://[^\s]+)";
    private readonly TempDirectory _data = new("aios-host");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Service_OnItsDefaults_UsesSqliteOnLoopback_PrintsItsAddress_AndAnswersHealthProbes()
    {
        await using var service = Start(new() { ["AiOs__Http__Port"] = "0" });

        var address = (await service.WaitForLineAsync(Banner)).Groups[1].Value;

        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(address + "/healthz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(address + "/readyz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.True(File.Exists(Path.Combine(_data.Path, "aios.db")), "the SQLite database is created in the data directory");
        Assert.Contains($"storage SQLite at {Path.Combine(_data.Path, "aios.db")}", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_OnFirstStart_PrintsAnOperatorKey_ThatTheApiAccepts()
    {
        await using var service = Start(new() { ["AiOs__Http__Port"] = "0" });

        var printedKey = (await service.WaitForLineAsync(@"^\s*(aios_[0-9a-f]{12}_\S+)$")).Groups[1].Value;
        var apiAddress = (await service.WaitForLineAsync(@"gRPC API \(aios.v1\) at (http://\S+)")).Groups[1].Value;

        Assert.Equal(printedKey, (await File.ReadAllTextAsync(Path.Combine(_data.Path, "operator.key"), TestContext.Current.CancellationToken)).Trim());
        using var client = new AiOs.Client.AiOsClient(new AiOs.Client.AiOsClientOptions { Endpoint = new Uri(apiAddress), ApiKey = printedKey });
        var silo = Assert.Single((await client.ListSilosAsync()).Silos);
        Assert.Contains(silo.SiloId, service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_WithNoModelEndpointConfigured_NamesBothTiersOffline()
    {
        await using var service = Start(new() { ["AiOs__Http__Port"] = "0" });

        var models = await service.WaitForLineAsync(@"models: small=(\S+), large=(\S+)");

        Assert.Equal("offline", models.Groups[1].Value);
        Assert.Equal("offline", models.Groups[2].Value);
    }

    [Fact]
    public async Task Service_OnSigterm_StopsGracefully_WithExitCodeZero()
    {
        await using var service = Start(new() { ["AiOs__Http__Port"] = "0" });
        await service.WaitForLineAsync(Banner);

        service.Terminate();

        Assert.Equal(0, await service.WaitForExitAsync());
        Assert.Contains("stopped", service.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AiOs__Silo__PartitionCount", "0", "AiOs:Silo:PartitionCount")]
    [InlineData("AiOs__Collection__CollectionAge", "-00:01:00", "AiOs:Collection:CollectionAge")]
    [InlineData("AiOs__Storage", "mongodb", "AiOs:Storage must be 'sqlite' or 'postgresql'")]
    [InlineData("AiOs__Http__Address", "localhost-ish", "AiOs:Http:Address")]
    public async Task Service_WithAnInvalidSetting_ExitsAtStart_NamingTheSetting(string variable, string value, string expected)
    {
        await using var service = Start(new() { ["AiOs__Http__Port"] = "0", [variable] = value });

        Assert.NotEqual(0, await service.WaitForExitAsync());
        Assert.Contains(expected, service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_WithUnreachablePostgreSql_FailsFast_NamingProviderAndHost_ButNeverThePassword()
    {
        var closedPort = LoopbackPorts.Free();
        const string password = "s3cr3t-Pa55word";
        await using var service = Start(new()
        {
            ["AiOs__Http__Port"] = "0",
            ["AiOs__Storage"] = "postgresql",
            ["AiOs__Storage__PostgreSql__ConnectionString"] = $"Host=127.0.0.1;Port={closedPort};Username=aios;Password={password};Database=aios;Timeout=3",
        });

        Assert.NotEqual(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("PostgreSQL", service.Output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondService_OnTheSameSqliteFile_IsRefusedWithAClearMessage()
    {
        await using var first = Start(new() { ["AiOs__Http__Port"] = "0" });
        await first.WaitForLineAsync(Banner);

        await using var second = Start(new() { ["AiOs__Http__Port"] = "0" });

        Assert.NotEqual(0, await second.WaitForExitAsync());
        Assert.Contains("already in use", second.Output, StringComparison.Ordinal);
        Assert.False(first.HasExited);
    }

    public void Dispose()
    {
        _http.Dispose();
        _data.Dispose();
    }

    private ServiceProcess Start(Dictionary<string, string?> environment)
    {
        environment["AiOs__DataDirectory"] = _data.Path;
        // The API's default port is fixed; tests run side by side, so each service takes a free one.
        environment.TryAdd("AiOs__Api__Port", "0");
        return ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "aios-server.dll"), environment, output);
    }
}
