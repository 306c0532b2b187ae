using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Roles;

/// <summary>Role contracts, the once-only execution of a task id, and the tools that write.</summary>
public abstract class RoleTaskTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    [Fact]
    public async Task SameTaskIdTwice_DoesTheWorkOnce_AndSurvivesARestart()
    {
        var database = Storage.NewDatabase();
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("""{"output":"draft 1","confidence":0.9}"""));
        var silo = await StartSiloAsync(database, s => s.AddAiOsWorkforce().AddSingleton<AiOs.Workforce.Models.IModelProviders>(new ScriptedModelProviders(model, model)));
        var task = new RoleTask(NewId("goal"), "t1", "writer", "write it");

        var first = await silo.GrainFactory.GetGrain<IRoleTaskGrain>($"{task.GoalId}/t1").Execute(task);
        var again = await silo.GrainFactory.GetGrain<IRoleTaskGrain>($"{task.GoalId}/t1").Execute(task);
        await StopSiloAsync(silo);
        var restarted = await StartSiloAsync(database, s => s.AddAiOsWorkforce().AddSingleton<AiOs.Workforce.Models.IModelProviders>(new ScriptedModelProviders(model, model)));
        var afterRestart = await restarted.GrainFactory.GetGrain<IRoleTaskGrain>($"{task.GoalId}/t1").Execute(task);

        Assert.Equal("draft 1", first.Output);
        Assert.Equal(first, again);
        Assert.Equal(first.Output, afterRestart.Output);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task TaskOutsideTheContract_IsRefusedWithTheReason_WithoutCallingTheModel()
    {
        var model = new ScriptedChatClient((_, _) => throw new InvalidOperationException("must not be called"));
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce().AddSingleton<AiOs.Workforce.Models.IModelProviders>(new ScriptedModelProviders(model, model)));
        var task = new RoleTask(NewId("goal"), "t1", "writer", "pay the bill", Actions: ["webhook.post"]);

        var result = await silo.GrainFactory.GetGrain<IRoleTaskGrain>($"{task.GoalId}/t1").Execute(task);

        Assert.True(result.Refused);
        Assert.Equal("role 'writer' may not take action 'webhook.post' (allowed: none)", result.Refusal);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task OpenProjectTool_CalledTwice_OpensTheGoalsProjectOnce_WithTheTasksProvenance_AndNoneWithoutACustomer()
    {
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce());
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var task = new RoleTask(NewId("goal"), "research", "researcher", "open the project", CustomerId: customerId);
        var tool = Assert.Single(WorkforceTools.For(silo.GrainFactory, ["open_project"], task));

        var first = await tool.InvokeAsync(new() { ["name"] = "Onboarding Acme" }, TestContext.Current.CancellationToken);
        var second = await tool.InvokeAsync(new() { ["name"] = "Another name" }, TestContext.Current.CancellationToken);
        var withoutCustomer = await Assert.Single(WorkforceTools.For(silo.GrainFactory, ["open_project"], task with { GoalId = NewId("goal"), CustomerId = null }))
            .InvokeAsync(new() { ["name"] = "Nobody's" }, TestContext.Current.CancellationToken);

        var id = WorkforceTools.ProjectIdFor(task.GoalId);
        Assert.Equal($"project {id} is open", first?.ToString());
        Assert.Equal(first?.ToString(), second?.ToString());
        var project = (await silo.GrainFactory.GetGrain<IProjectGrain>(id).Get())!;
        Assert.Equal((1L, "Onboarding Acme", customerId), (project.Revision, project.Value.Name, project.Value.CustomerId));
        Assert.Equal(new EventProvenance("goal", "agent:researcher", $"goal/{task.GoalId}/task/research"), project.ChangedBy);
        Assert.Equal("no project opened: the task names no customer", withoutCustomer?.ToString());
        var unknown = Assert.Throws<InvalidOperationException>(() => WorkforceTools.For(silo.GrainFactory, ["open_projects"], task));
        Assert.Contains("'open_projects', which does not exist", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleFollowUpTool_SchedulesOneFollowUpPerGoal_ForTheCustomer_AndRefusesBadRequestsSayingWhy()
    {
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce());
        var customerId = NewId("cust");
        var task = new RoleTask(NewId("goal"), "follow-up", "outreach", "schedule a check-in", CustomerId: customerId);
        var clock = silo.Services.GetRequiredService<TimeProvider>();
        var playbooks = silo.Services.GetRequiredService<AiOs.Workforce.Playbooks.PlaybookCatalog>();
        var tool = Assert.Single(WorkforceTools.For(silo.GrainFactory, ["schedule_follow_up"], task, clock, playbooks));
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("no follow-up scheduled: inDays must be 1 to 365, not 0", (await tool.InvokeAsync(new() { ["inDays"] = 0, ["goal"] = "check in" }, ct))?.ToString());
        Assert.Equal("no follow-up scheduled: say what the follow-up goal is", (await tool.InvokeAsync(new() { ["inDays"] = 3, ["goal"] = " " }, ct))?.ToString());
        Assert.Equal("no follow-up scheduled: there is no playbook 'nope'",
            (await tool.InvokeAsync(new() { ["inDays"] = 3, ["goal"] = "check in", ["playbook"] = "nope" }, ct))?.ToString());
        var schedule = silo.GrainFactory.GetGrain<IScheduleGrain>(WorkforceTools.FollowUpIdFor(task.GoalId));
        Assert.Null(await schedule.Get());

        var before = clock.GetUtcNow();
        var first = await tool.InvokeAsync(new() { ["inDays"] = 3, ["goal"] = "check in with Acme" }, ct);
        var second = await tool.InvokeAsync(new() { ["inDays"] = 5, ["goal"] = "another check-in" }, ct);

        var view = (await schedule.Get())!;
        Assert.Equal(new GoalTemplate("check in with Acme", customerId), view.Spec.Goal);
        Assert.InRange(view.NextRunAt!.Value, before.AddDays(3), clock.GetUtcNow().AddDays(3));
        var at = view.NextRunAt.Value.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"follow-up scheduled for {at}", first?.ToString());
        Assert.Equal($"a follow-up is already scheduled for {at}", second?.ToString());
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteRoleTaskTests(SqliteTestStorage storage, ITestOutputHelper output) : RoleTaskTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlRoleTaskTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : RoleTaskTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
