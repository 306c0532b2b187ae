using AiOs.Workforce.Roles;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Roles;

/// <summary>Role contracts and the once-only execution of a task id.</summary>
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
}

[Trait("Category", "Integration")]
public sealed class SqliteRoleTaskTests(SqliteTestStorage storage, ITestOutputHelper output) : RoleTaskTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlRoleTaskTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : RoleTaskTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
