using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Cli;

namespace AiOs.Api.Tests.Cli;

/// <summary>The <c>aios</c> command line, run in-process against a real silo: results on standard output (a table, or
/// JSON with <c>--output json</c>), failures as one line on standard error with a meaningful exit code.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private string _operatorKey = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _operatorKey = _host.InitialOperatorKey;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        var run = await RunAsync(null, "health");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("serving", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterStatus_ShowsTheSilo_AsATable()
    {
        var run = await RunAsync(_operatorKey, "cluster", "status");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("test-silo", run.Output, StringComparison.Ordinal);
        Assert.Contains("partitions owned", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_WithJsonOutput()
    {
        var created = await RunAsync(_operatorKey, "keys", "create", "website", "--scope", "frontend", "--output", "json");
        Assert.Equal(ExitCodes.Ok, created.ExitCode);
        using var createdJson = JsonDocument.Parse(created.Output);
        var keyId = createdJson.RootElement.GetProperty("key").GetProperty("keyId").GetString()!;
        var secret = createdJson.RootElement.GetProperty("secret").GetString()!;
        Assert.Equal("API_KEY_SCOPE_FRONTEND", createdJson.RootElement.GetProperty("key").GetProperty("scope").GetString());

        var listed = await RunAsync(_operatorKey, "keys", "list", "-o", "json");
        Assert.Equal(ExitCodes.Ok, listed.ExitCode);
        Assert.Contains(keyId, listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);

        var revoked = await RunAsync(_operatorKey, "keys", "revoke", keyId);
        Assert.Equal(ExitCodes.Ok, revoked.ExitCode);
        Assert.Equal(ExitCodes.NotAllowed, (await RunAsync(secret, "goals", "list")).ExitCode);
    }

    [Fact]
    public async Task KeysCreate_ForPeople_PrintsTheSecretWholeOnALineOfItsOwn()
    {
        var run = await RunAsync(_operatorKey, "keys", "create", "laptop", "--scope", "read-only");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var secret = run.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("aios_", StringComparison.Ordinal));
        using var client = _host.Client(secret);
        await client.ListSilosAsync();
    }

    [Fact]
    public async Task WrongKey_IsOneLine_ExitCode3_WithoutTheKey()
    {
        var wrongKey = "aios_0123456789ab_notTheRightSecretAtAll";

        var run = await RunAsync(wrongKey, "cluster", "status");

        Assert.Equal(ExitCodes.NotAllowed, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("aios: not authenticated", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task ReadOnlyKey_CannotCreateKeys()
    {
        var readOnly = await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly);

        var run = await RunAsync(readOnly, "keys", "create", "x", "--scope", "operator");

        Assert.Equal(ExitCodes.NotAllowed, run.ExitCode);
        Assert.StartsWith("aios: not allowed", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastOperatorKey_CannotBeRevoked_ExitCode7()
    {
        var keyId = (await RunAsync(_operatorKey, "keys", "list", "-o", "json")).Output;
        using var json = JsonDocument.Parse(keyId);
        var id = json.RootElement.GetProperty("keys")[0].GetProperty("keyId").GetString()!;

        var run = await RunAsync(_operatorKey, "keys", "revoke", id);

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
        Assert.Contains("last active operator key", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoalCommands_ReachTheServer_WhichSaysTheyAreNotAvailableYet()
    {
        var submit = await RunAsync(_operatorKey, "goals", "submit", "Onboard Acme", "--watch");

        Assert.Equal(ExitCodes.Unimplemented, submit.ExitCode);
        Assert.Contains("aios.v1.Goals.SubmitGoal", Assert.Single(submit.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointAndKey_ComeFromTheEnvironment()
    {
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = _host.Endpoint.ToString(), ["AIOS_API_KEY"] = _operatorKey };

        var run = await RunWithEnvironmentAsync(environment, "cluster", "status", "-o", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("test-silo", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableService_IsOneLine_ExitCode5()
    {
        var run = await RunWithEnvironmentAsync(new Dictionary<string, string>(), "--endpoint", "http://127.0.0.1:1", "--timeout", "5", "health");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.StartsWith("aios: unavailable", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "create", "x")]
    [InlineData("keys", "create", "x", "--scope", "admin")]
    [InlineData("--output", "yaml", "health")]
    [InlineData("no-such-command")]
    public async Task UsageErrors_AreOneLine_ExitCode2(params string[] args)
    {
        var run = await RunAsync(_operatorKey, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.ErrorLines);
    }

    private Task<CliRun> RunAsync(string? key, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = _host.Endpoint.ToString() };
        if (key is not null)
        {
            environment["AIOS_API_KEY"] = key;
        }

        return RunWithEnvironmentAsync(environment, args);
    }

    private static async Task<CliRun> RunWithEnvironmentAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AiOsCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    private sealed record CliRun(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
