using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Cli;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;
using static AiOs.Api.Tests.Business.GoalsTests;
using PlaybookCatalog = AiOs.Workforce.Playbooks.PlaybookCatalog;

namespace AiOs.Api.Tests.Business;

/// <summary>aios.v1.Playbooks and <c>aios playbooks</c>: the built-in playbooks, playbooks defined at run time (checked,
/// kept across restarts, usable by goals at once), and the refusals.</summary>
public sealed class PlaybooksTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("aios-playbooks");
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
    public async Task ListPlaybooks_HasTheBuiltInOnes_WithTheirTasks()
    {
        var playbooks = (await _operator.ListPlaybooksAsync()).Playbooks;

        Assert.Equal(["content-pipeline", "onboard-customer"], playbooks.Select(p => p.Name));
        Assert.All(playbooks, p => Assert.Equal(PlaybookOrigin.BuiltIn, p.Origin));
        var onboarding = playbooks.Single(p => p.Name == "onboard-customer");
        Assert.Equal(["research", "welcome", "send", "invoice", "follow-up"], onboarding.Tasks.Select(t => t.Id));
        Assert.Equal(["email.send"], onboarding.Tasks.Single(t => t.Id == "send").Actions);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => _operator.GetPlaybookAsync("nope"))).StatusCode);
    }

    [Fact]
    public async Task DefinePlaybook_CanBeRunByAGoalAtOnce_AndIsKeptAcrossARestart()
    {
        var playbook = new Playbook { Name = "weekly-digest", Keywords = { "digest" } };
        playbook.Tasks.Add(new PlannedTask { Id = "draft", Role = "writer", Instructions = "Write the digest." });
        playbook.Tasks.Add(new PlannedTask { Id = "review", Role = "support", Instructions = "Review it.", DependsOn = { "draft" } });

        var defined = await _operator.DefinePlaybookAsync(playbook);
        var goal = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = "This week's digest", Playbook = "weekly-digest" });

        Assert.Equal(PlaybookOrigin.Defined, defined.Origin);
        Assert.StartsWith("key:", defined.Defined.Actor, StringComparison.Ordinal);
        Assert.Equal(["draft", "review"], defined.Tasks.Select(t => t.Id));
        Assert.Equal("weekly-digest", goal.Playbook);

        await _host.DisposeAsync();
        _operator.Dispose();
        _host = await ApiHost.StartAsync(dataDirectory: _data.Path);
        _operator = _host.Client(_host.InitialOperatorKey);

        var catalog = _host.Services.GetRequiredService<PlaybookCatalog>();
        await Eventually.WaitUntilAsync(() => catalog.Find("weekly-digest") is not null, "the restarted silo's catalog knows the playbook");
        var again = await _operator.GetPlaybookAsync("weekly-digest");
        Assert.Equal(["draft"], again.Tasks.Single(t => t.Id == "review").DependsOn);
        Assert.Equal(["digest"], again.Keywords);
    }

    [Fact]
    public async Task DefinePlaybook_Refusals_SayWhatIsWrong_AndChangeNothing()
    {
        Playbook Make(string name, params PlannedTask[] tasks)
        {
            var playbook = new Playbook { Name = name };
            playbook.Tasks.AddRange(tasks);
            return playbook;
        }

        var builtIn = Make("onboard-customer", new PlannedTask { Id = "a", Role = "writer", Instructions = "x" });
        var badName = Make("Weekly Digest", new PlannedTask { Id = "a", Role = "writer", Instructions = "x" });
        var unknownRole = Make("juggling", new PlannedTask { Id = "a", Role = "juggler", Instructions = "juggle" });
        var cycle = Make("loop",
            new PlannedTask { Id = "a", Role = "writer", Instructions = "x", DependsOn = { "b" } },
            new PlannedTask { Id = "b", Role = "writer", Instructions = "y", DependsOn = { "a" } });
        var empty = Make("nothing");

        await AssertStatusAsync(StatusCode.FailedPrecondition, "built-in", () => _operator.DefinePlaybookAsync(builtIn));
        await AssertStatusAsync(StatusCode.InvalidArgument, "lower-case", () => _operator.DefinePlaybookAsync(badName));
        await AssertStatusAsync(StatusCode.InvalidArgument, "unknown role 'juggler'", () => _operator.DefinePlaybookAsync(unknownRole));
        await AssertStatusAsync(StatusCode.InvalidArgument, "cycle", () => _operator.DefinePlaybookAsync(cycle));
        await AssertStatusAsync(StatusCode.InvalidArgument, "no tasks", () => _operator.DefinePlaybookAsync(empty));
        using var reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () => reader.DefinePlaybookAsync(Make("fine", new PlannedTask { Id = "a", Role = "writer", Instructions = "x" })));

        Assert.Equal(2, (await _operator.ListPlaybooksAsync()).Playbooks.Count);
    }

    [Fact]
    public async Task Cli_DefineFromTheConfigurationShape_ThenListAndGet()
    {
        var file = Path.Combine(_data.Path, "weekly-content.json");
        await File.WriteAllTextAsync(file, """
            {
              "Name": "weekly-content",
              "Keywords": [ "weekly post" ],
              "Plan": {
                "Tasks": [
                  { "Id": "brief", "Role": "writer", "Instructions": "Write the brief." },
                  { "Id": "publish", "Role": "outreach", "Instructions": "Publish it.", "DependsOn": [ "brief" ], "Actions": [ "webhook.post" ] }
                ]
              }
            }
            """, TestContext.Current.CancellationToken);

        var define = await _host.RunCliAsync("playbooks", "define", file);
        var list = await _host.RunCliAsync("playbooks", "list");
        var get = await _host.RunCliAsync("playbooks", "get", "weekly-content", "-o", "json");
        var broken = Path.Combine(_data.Path, "broken.json");
        await File.WriteAllTextAsync(broken, "{ \"Name\": ", TestContext.Current.CancellationToken);
        var bad = await _host.RunCliAsync("playbooks", "define", broken);

        Assert.Equal(ExitCodes.Ok, define.ExitCode);
        Assert.Contains("weekly-content", list.Output, StringComparison.Ordinal);
        Assert.Contains("brief (writer); publish (outreach, after brief)", list.Output, StringComparison.Ordinal);
        var shown = Google.Protobuf.JsonParser.Default.Parse<Playbook>(get.Output);
        Assert.Equal(["webhook.post"], shown.Tasks.Single(t => t.Id == "publish").Actions);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("is not a playbook in JSON", bad.Error, StringComparison.Ordinal);
    }
}
