using System.Text.Json;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Cli;
using Microsoft.Extensions.DependencyInjection;
using ScheduleGrain = AiOs.Workforce.Schedules.ScheduleGrain;

namespace AiOs.Api.Tests.Schedules;

/// <summary><c>aios schedules</c> run in-process against a real silo, as an operator would use it.</summary>
[Trait("Category", "Integration")]
public sealed class SchedulesCliTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ApiHost.StartAsync(services: s => s.AddAiOsWorkforce(), silo: s => s.AddGrains(typeof(ScheduleGrain).Assembly));

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateListPauseResumeDelete_AsAnOperatorWould()
    {
        var created = await _host.RunCliAsync("schedules", "create", "Write this week's post", "--cron", "0 0 9 ? * MON", "--tz", "Europe/Berlin", "-o", "json");
        Assert.Equal(ExitCodes.Ok, created.ExitCode);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("scheduleId").GetString()!;
        var followUp = await _host.RunCliAsync("schedules", "create", "Follow up with Acme", "--in", "3d");
        Assert.Equal(ExitCodes.Ok, followUp.ExitCode);
        Assert.Contains("once at", followUp.Output, StringComparison.Ordinal);

        var listed = await _host.RunCliAsync("schedules", "list");
        Assert.Contains(id, listed.Output, StringComparison.Ordinal);
        Assert.Contains("0 0 9 ? * MON Europe/Berlin", listed.Output, StringComparison.Ordinal);
        Assert.Contains("Paused", (await _host.RunCliAsync("schedules", "pause", id)).Output, StringComparison.Ordinal);
        Assert.Contains("Active", (await _host.RunCliAsync("schedules", "resume", id)).Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await _host.RunCliAsync("schedules", "delete", id)).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await _host.RunCliAsync("schedules", "get", id)).ExitCode);
    }

    [Fact]
    public async Task InvalidCron_IsOneLineNamingTheField_AndNothingIsCreated()
    {
        var run = await _host.RunCliAsync("schedules", "create", "x", "--cron", "0 0 25 ? * MON");

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("the hours field '25'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("sch-", (await _host.RunCliAsync("schedules", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithABudget_ShowsIt_AndABadBudgetIsAUsageError()
    {
        var created = await _host.RunCliAsync("schedules", "create", "Write this week's post", "--cron", "0 0 9 ? * MON", "--budget", "2.50", "-o", "json");
        Assert.Equal(ExitCodes.Ok, created.ExitCode);
        var budget = JsonDocument.Parse(created.Output).RootElement.GetProperty("goal").GetProperty("budget");
        Assert.Equal(("USD", "2500000"), (budget.GetProperty("currency").GetString(), budget.GetProperty("micros").ToString()));
        Assert.Contains("2.50 USD", (await _host.RunCliAsync("schedules", "list")).Output, StringComparison.Ordinal);

        var bad = await _host.RunCliAsync("schedules", "create", "x", "--in", "3d", "--budget", "0");

        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--budget '0' is not an amount more than 0", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTiming_OrTwoTimings_IsAUsageError()
    {
        Assert.Equal(ExitCodes.Usage, (await _host.RunCliAsync("schedules", "create", "x")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await _host.RunCliAsync("schedules", "create", "x", "--cron", "0 0 9 ? * MON", "--in", "3d")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await _host.RunCliAsync("schedules", "create", "x", "--in", "soon")).ExitCode);
    }
}
