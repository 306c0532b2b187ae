using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Testing;
using ModelOptions = AiOs.Workforce.Models.ModelOptions;
using ModelPrice = AiOs.Workforce.Models.ModelPrice;
using RoleDirectory = AiOs.Workforce.Roles.RoleDirectory;
using Microsoft.Extensions.DependencyInjection;
using static AiOs.Api.Tests.Business.GoalsTests;

namespace AiOs.Api.Tests.Business;

/// <summary>aios.v1.AgentRoles: the built-in roles, roles defined at run time (kept across restarts), stats.</summary>
public sealed class AgentRolesTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("aios-roles");
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync(dataDirectory: _data.Path);
        _operator = _host.Client(_host.InitialOperatorKey);
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task ListAgentRoles_HasTheBuiltInFive()
    {
        var roles = (await _operator.ListAgentRolesAsync()).Roles;

        Assert.Equal(["bookkeeper", "outreach", "researcher", "support", "writer"], roles.Where(r => r.BuiltIn).Select(r => r.Name));
        var outreach = roles.Single(r => r.Name == "outreach");
        Assert.Equal(["schedule_follow_up", "email.send", "webhook.post"], outreach.AllowedTools);
    }

    [Fact]
    public async Task DefineAgentRole_IsListed_AndKeptAcrossARestart()
    {
        var role = new AgentRole { Name = "translator", Description = "Translates drafts", ModelTier = ModelTier.Large, Autonomy = AutonomyLevel.Suggest };
        role.Accepts.Add("a text and a language");
        role.Returns.Add("the translated text");
        role.AllowedTools.Add("lookup_customer");

        var defined = await _operator.DefineAgentRoleAsync(role);

        Assert.False(defined.BuiltIn);
        Assert.Equal("Translates drafts", (await _operator.GetAgentRoleAsync("translator")).Description);
        Assert.Contains((await _operator.ListAgentRolesAsync()).Roles, r => r.Name == "translator");

        await _host.DisposeAsync();
        _operator.Dispose();
        _host = await ApiHost.StartAsync(dataDirectory: _data.Path);
        _operator = _host.Client(_host.InitialOperatorKey);

        var directory = _host.Services.GetRequiredService<RoleDirectory>();
        await Eventually.WaitUntilAsync(() => directory.Contains("translator"), "the restarted silo's directory knows the role");
        var again = await _operator.GetAgentRoleAsync("translator");
        Assert.Equal(ModelTier.Large, again.ModelTier);
        Assert.Equal(AutonomyLevel.Suggest, again.Autonomy);
        Assert.Equal(["lookup_customer"], again.AllowedTools);
    }

    [Fact]
    public async Task DefineAgentRole_Refusals()
    {
        var builtIn = new AgentRole { Name = "writer", Accepts = { "x" }, Returns = { "y" } };
        var badName = new AgentRole { Name = "Bad Name", Accepts = { "x" }, Returns = { "y" } };
        var badTool = new AgentRole { Name = "hacker", Accepts = { "x" }, Returns = { "y" }, AllowedTools = { "rm -rf" } };
        var noAccepts = new AgentRole { Name = "lazy", Returns = { "y" } };

        await AssertStatusAsync(StatusCode.FailedPrecondition, "built-in", () => _operator.DefineAgentRoleAsync(builtIn));
        await AssertStatusAsync(StatusCode.InvalidArgument, "role.name", () => _operator.DefineAgentRoleAsync(badName));
        await AssertStatusAsync(StatusCode.InvalidArgument, "role.allowed_tools", () => _operator.DefineAgentRoleAsync(badTool));
        await AssertStatusAsync(StatusCode.InvalidArgument, "role.accepts", () => _operator.DefineAgentRoleAsync(noAccepts));
        await AssertStatusAsync(StatusCode.NotFound, "hacker", () => _operator.GetAgentRoleAsync("hacker"));
    }

    [Fact]
    public async Task GetAgentRoleStats_CountsTheRolesTasks_TheirDurations_AndWhatTheySpent()
    {
        // A price for the offline model, so that its calls cost something.
        await using var host = await ApiHost.StartAsync(services: s => s.Configure<ModelOptions>(o =>
            o.Prices["offline"] = new ModelPrice { InputPerMillion = 3_000m, OutputPerMillion = 15_000m }));
        using var client = host.Client(host.InitialOperatorKey);
        var goal = await client.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "stats-1" });
        await WaitForStatusAsync(client, goal.GoalId, GoalStatus.Done);

        var stats = await client.GetAgentRoleStatsAsync("writer");

        Assert.Equal(1, stats.TasksDone);
        Assert.InRange(stats.MeanConfidence, 0.01, 1);
        Assert.True(stats.ModelCalls >= 1);
        Assert.NotNull(stats.P50TaskDuration);
        Assert.True(stats.P50TaskDuration.ToTimeSpan() > TimeSpan.Zero, $"p50 {stats.P50TaskDuration}");
        Assert.Equal(stats.P50TaskDuration, stats.P99TaskDuration); // one task: both are its duration

        // What the role spent is what the spend records hold for it.
        var byRole = await client.GetSpendAsync(new GetSpendRequest { GroupBy = SpendGrouping.Role, Role = "writer" });
        Assert.True(stats.Spent.Micros > 0, $"spent {stats.Spent.Micros}");
        Assert.Equal(byRole.Total.Micros, stats.Spent.Micros);
        Assert.Equal("USD", stats.Spent.Currency);

        var idle = await client.GetAgentRoleStatsAsync("bookkeeper");
        Assert.Equal(0, idle.TasksDone);
        Assert.Equal(0, idle.Spent.Micros);
        Assert.Null(idle.P50TaskDuration);
        await AssertStatusAsync(StatusCode.NotFound, "nobody", () => client.GetAgentRoleStatsAsync("nobody"));
    }

    [Fact]
    public async Task ReadOnly_ReadsRoles_ButCannotDefineThem()
    {
        using var reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));
        using var frontend = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Frontend));

        Assert.NotEmpty((await reader.ListAgentRolesAsync()).Roles);
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () =>
            reader.DefineAgentRoleAsync(new AgentRole { Name = "sneaky", Accepts = { "x" }, Returns = { "y" } }));
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () => frontend.ListAgentRolesAsync());
    }
}
