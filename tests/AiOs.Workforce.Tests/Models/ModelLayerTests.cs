using System.Text.Json.Nodes;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Tests.Models;

[Trait("Category", "Unit")]
public sealed class ModelLayerTests
{
    private static readonly ModelVerdict<string> Unusable = new(null, 0, "unusable");

    [Fact]
    public async Task ToolLoop_RunsAllowedTools_RefusesOthers_AndEndsWithTheModelsAnswer()
    {
        var ran = new List<string>();
        var lookup = AIFunctionFactory.Create((string customer) => { ran.Add(customer); return "plan: gold"; }, "lookup_customer");
        var client = ScriptedChatClient.Replying(
            ScriptedChatClient.ToolCall("c1", "lookup_customer", new() { ["customer"] = "acme" }),
            ScriptedChatClient.ToolCall("c2", "delete_everything", new()),
            ScriptedChatClient.Text("acme is on gold"));

        var response = await ToolCallingLoop.RunAsync(client, [new ChatMessage(ChatRole.User, "which plan?")], new ChatOptions(), [lookup], 5, default);

        Assert.Equal("acme is on gold", response.Text);
        Assert.Equal(["acme"], ran);
        var last = client.Requests.Last().Messages;
        var results = last.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.Equal("plan: gold", results.Single(r => r.CallId == "c1").Result?.ToString());
        Assert.Contains("not allowed", results.Single(r => r.CallId == "c2").Result?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolLoop_ModelThatNeverStops_FailsAfterTheRoundLimit()
    {
        var tool = AIFunctionFactory.Create(() => "again", "again");
        var client = new ScriptedChatClient((_, _) => ScriptedChatClient.ToolCall(Guid.NewGuid().ToString("N"), "again", new()));

        var error = await Assert.ThrowsAsync<ModelOutputException>(() =>
            ToolCallingLoop.RunAsync(client, [new ChatMessage(ChatRole.User, "go")], new ChatOptions(), [tool], 3, default));

        Assert.Equal(3, client.Calls);
        Assert.Contains("after 3 rounds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"output":"ok","confidence":0.2}""")]
    public async Task Tiering_SmallTierAnswerInvalidOrUnsure_IsRetriedOnTheLargeTier(string smallAnswer)
    {
        var small = ScriptedChatClient.Replying(ScriptedChatClient.Text(smallAnswer));
        var large = ScriptedChatClient.Replying(ScriptedChatClient.Text("""{"output":"better","confidence":0.9}"""));
        using var models = new ModelCatalog(new ScriptedModelProviders(small, large), new ModelUsage());

        var outcome = await TieredCompletion.RunAsync(models, ModelTier.Small, 0.6,
            (client, ct) => client.GetResponseAsync("write", cancellationToken: ct), Judge, default);

        Assert.Equal(("better", ModelTier.Large), (outcome.Value, outcome.Tier));
        Assert.Equal((1, 1), (small.Calls, large.Calls));
        Assert.Equal(2, outcome.History.Count);
        Assert.Equal((1L, 10L, 5L), models.Usage.Of(ModelTier.Large));
    }

    [Fact]
    public async Task Tiering_SmallTierAnswerGood_NeverCallsTheLargeTier()
    {
        var small = ScriptedChatClient.Replying(ScriptedChatClient.Text("""{"output":"fine","confidence":0.8}"""));
        var large = ScriptedChatClient.Replying();
        using var models = new ModelCatalog(new ScriptedModelProviders(small, large), new ModelUsage());

        var outcome = await TieredCompletion.RunAsync(models, ModelTier.Small, 0.6, (client, ct) => client.GetResponseAsync("write", cancellationToken: ct), Judge, default);

        Assert.Equal(("fine", ModelTier.Small), (outcome.Value, outcome.Tier));
        Assert.Equal(0, large.Calls);
    }

    [Fact]
    public async Task Cache_SameScopeAndRequest_IsServedOnce_ButANewMemoryVersionAsksTheModelAgain()
    {
        var answers = 0;
        var small = new ScriptedChatClient((_, _) => ScriptedChatClient.Text($"answer {Interlocked.Increment(ref answers)}"));
        using var models = new ModelCatalog(new ScriptedModelProviders(small, small), new ModelUsage());
        ChatOptions Scoped(long version) => new ChatOptions().With(ModelCallContext.CacheScope, ModelCallContext.Scope("acme", version));

        var first = await models.For(ModelTier.Small).GetResponseAsync("what does acme buy?", Scoped(1));
        var again = await models.For(ModelTier.Small).GetResponseAsync("what does acme buy?", Scoped(1));
        var afterMemoryChange = await models.For(ModelTier.Small).GetResponseAsync("what does acme buy?", Scoped(2));
        var unscoped = await models.For(ModelTier.Small).GetResponseAsync("what does acme buy?");

        Assert.Equal(("answer 1", "answer 1"), (first.Text, again.Text));
        Assert.Equal("answer 2", afterMemoryChange.Text);
        Assert.Equal("answer 3", unscoped.Text);
        Assert.Equal(3, small.Calls);
    }

    [Fact]
    public async Task Offline_PlansFromThePlaybookTheGoalNames_DraftsFromTheRequest_ClassifiesByRules()
    {
        var playbooks = new PlaybookCatalog();
        var providers = new ConfiguredModelProviders(Options.Create(new ModelOptions()), playbooks);
        using var models = new ModelCatalog(providers, new ModelUsage());
        var client = models.For(ModelTier.Small);

        var plan = await client.GetResponseAsync("Please onboard our new customer Acme", new ChatOptions().With(ModelCallContext.TaskKind, "plan"));
        var draft = await client.GetResponseAsync("""{"instructions":"Draft a welcome","customer":{"name":"Acme"}}""", new ChatOptions().With(ModelCallContext.TaskKind, "draft"));
        var label = await client.GetResponseAsync("Our invoice payment failed", new ChatOptions().With(ModelCallContext.TaskKind, "classify"));

        Assert.Equal(playbooks.PlanFor("playbook:onboard-customer"), plan.Text);
        Assert.Equal("Draft a welcome\ncustomer: {\"name\":\"Acme\"}", JsonNode.Parse(draft.Text)!["output"]!.GetValue<string>());
        Assert.Equal("billing", JsonNode.Parse(label.Text)!["output"]!.GetValue<string>());
        Assert.Equal("models: small=offline, large=offline", models.Describe());
    }

    private static ModelVerdict<string> Judge(ChatResponse response)
    {
        try
        {
            var node = JsonNode.Parse(response.Text)!;
            return new ModelVerdict<string>(node["output"]!.GetValue<string>(), node["confidence"]!.GetValue<double>(), null);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NullReferenceException)
        {
            return Unusable;
        }
    }
}
