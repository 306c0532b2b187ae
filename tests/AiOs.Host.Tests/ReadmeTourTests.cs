using System.Text.Json;
using AiOs.Testing;

namespace AiOs.Host.Tests;

/// <summary>The README's CLI tour, as a new user runs it: the real service program (fresh data directory, offline models)
/// and the real <c>aios</c> program, each command a process of its own with the endpoint and key from the environment.
/// The tour's other commands (cluster status, roles, keys list) are run in-process by AiOs.Api.Tests' CLI tests, to keep
/// this test's process starts few.</summary>
public sealed class ReadmeTourTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _data = new("aios-tour");
    private ServiceProcess _service = null!;
    private Dictionary<string, string?> _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _service = ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "aios-server.dll"), new Dictionary<string, string?>
        {
            ["AiOs__DataDirectory"] = _data.Path,
            ["AiOs__Http__Port"] = "0",
            ["AiOs__Api__Port"] = "0",
        }, output);
        var endpoint = (await _service.WaitForLineAsync(@"gRPC API \(aios.v1\) at (http://\S+)")).Groups[1].Value;
        _environment = new Dictionary<string, string?>
        {
            ["AIOS_ENDPOINT"] = endpoint,
            ["AIOS_API_KEY"] = (await File.ReadAllTextAsync(Path.Combine(_data.Path, "operator.key"))).Trim(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Tour_FromHealthToAGoalThatIsDone()
    {
        Assert.Contains("serving", await AiosAsync("health"), StringComparison.Ordinal);
        Assert.Contains("acme", await AiosAsync("customers", "add", "Acme Ltd", "--id", "acme", "--email", "ops@acme.example"), StringComparison.Ordinal);

        var watched = await AiosAsync("goals", "submit", "Write a newsletter post about the spring offer", "--customer", "acme", "--watch");
        Assert.EndsWith(": done", watched.TrimEnd(), StringComparison.Ordinal);

        using var goals = JsonDocument.Parse(await AiosAsync("goals", "list", "--output", "json"));
        var goal = goals.RootElement.GetProperty("goals")[0];
        Assert.Equal("GOAL_STATUS_DONE", goal.GetProperty("status").GetString());
        var goalId = goal.GetProperty("goalId").GetString()!;
        var tasks = await AiosAsync("tasks", "list", "--goal", goalId);
        Assert.Contains($"{goalId}/draft", tasks, StringComparison.Ordinal);
        Assert.Contains("goal.submitted", await AiosAsync("events", "query", "--type", "goal"), StringComparison.Ordinal);
        Assert.Contains("Secret (shown only now", await AiosAsync("keys", "create", "website", "--scope", "frontend"), StringComparison.Ordinal);
    }

    // Runs `aios <args>` as its own process; it must exit 0 with nothing on standard error.
    private async Task<string> AiosAsync(params string[] args)
    {
        await using var cli = ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "aios.dll"), _environment, output, "aios", args);
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"aios {string.Join(' ', args)} exited with {exitCode}: {cli.Output}");
        return cli.Output;
    }
}
