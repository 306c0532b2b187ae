using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Grpc;
using ScheduleGrain = AiOs.Workforce.Schedules.ScheduleGrain;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Schedules;

/// <summary>aios.v1.Schedules through a real gRPC client on a real silo: create (idempotent by request id), get, list by
/// next run, pause, resume, delete; an invalid cron, an unknown time zone and unknown ids get clear statuses.</summary>
[Trait("Category", "Integration")]
public sealed class SchedulesServiceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Create_Get_List_Pause_Resume_Delete()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var request = new CreateScheduleRequest { Schedule = Weekly("weekly report"), RequestId = "req-1" };

        var created = await client.CreateScheduleAsync(request);
        var again = await client.CreateScheduleAsync(request);
        var oneOff = await client.CreateScheduleAsync(new CreateScheduleRequest
        {
            Schedule = new Schedule { Name = "follow up", RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), Goal = new V1.GoalTemplate { Text = "follow up with Acme" } },
        });

        Assert.Equal(created.ScheduleId, again.ScheduleId);
        Assert.Equal((ScheduleStatus.Active, "0 0 9 ? * MON", "Europe/Berlin"), (created.Status, created.Cron, created.TimeZone));
        Assert.NotNull(created.NextRunAt);
        Assert.Equal(created, await client.GetScheduleAsync(created.ScheduleId));
        // Soonest first: the weekly run is within 7 days, the one-off in 30.
        var listed = await client.ListSchedulesAsync(new ListSchedulesRequest());
        Assert.Equal([created.ScheduleId, oneOff.ScheduleId], listed.Schedules.Select(s => s.ScheduleId));

        var paused = await client.PauseScheduleAsync(created.ScheduleId);
        Assert.Equal((ScheduleStatus.Paused, (Timestamp?)null), (paused.Status, paused.NextRunAt));
        Assert.Equal([created.ScheduleId], (await client.ListSchedulesAsync(new ListSchedulesRequest { Statuses = { ScheduleStatus.Paused } })).Schedules.Select(s => s.ScheduleId));
        var resumed = await client.ResumeScheduleAsync(created.ScheduleId);
        Assert.Equal((ScheduleStatus.Active, created.NextRunAt), (resumed.Status, resumed.NextRunAt));

        await client.DeleteScheduleAsync(created.ScheduleId);
        var gone = await Assert.ThrowsAsync<RpcException>(() => client.GetScheduleAsync(created.ScheduleId));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal([oneOff.ScheduleId], (await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules.Select(s => s.ScheduleId));
    }

    [Theory]
    [InlineData("0 0 25 ? * MON", "Europe/Berlin", "the hours field '25'")]
    [InlineData("0 0 9 ? * MONDAY", "Europe/Berlin", "the day-of-week field 'MONDAY'")]
    [InlineData("0 0 9 ? * MON", "Europe/Atlantis", "time zone 'Europe/Atlantis' is not known")]
    public async Task InvalidDefinition_IsInvalidArgument_NamingTheField_AndStoresNothing(string cron, string zone, string expected)
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var schedule = Weekly("bad");
        (schedule.Cron, schedule.TimeZone) = (cron, zone);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules);
    }

    [Fact]
    public async Task UnknownId_IsNotFound_ForEveryVerb()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);

        foreach (var call in new Func<Task>[]
        {
            () => client.GetScheduleAsync("nope"), () => client.PauseScheduleAsync("nope"), () => client.ResumeScheduleAsync("nope"), () => client.DeleteScheduleAsync("nope"),
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal((StatusCode.NotFound, "no schedule 'nope'"), (error.StatusCode, error.Detail));
        }
    }

    private Task<ApiHost> StartAsync() => ApiHost.StartAsync(
        services: s => s.AddAiOsWorkforce(),
        output: output,
        silo: s => s.AddGrains(typeof(ScheduleGrain).Assembly));

    private static Schedule Weekly(string name) => new()
    {
        Name = name,
        Cron = "0 0 9 ? * MON",
        TimeZone = "Europe/Berlin",
        Goal = new V1.GoalTemplate { Text = "write the weekly report" },
    };
}
