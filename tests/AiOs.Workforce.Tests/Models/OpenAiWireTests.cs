using System.ClientModel;
using System.Text.Json.Nodes;
using AiOs.Workforce.Models;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Tests.Models;

/// <summary>The OpenAI-compatible provider on the wire, against recorded OpenAI responses served locally.</summary>
[Trait("Category", "Integration")]
public sealed class OpenAiWireTests
{
    [Fact]
    public async Task ChatWithToolCall_AfterARateLimit_RetriesThenRunsTheToolAndReturnsTheAnswerWithUsage()
    {
        await using var server = new RecordedOpenAiServer()
            .Then(429, "rate-limited.json", ("retry-after-ms", "20"))
            .Then(200, "tool-call.json")
            .Then(200, "final-answer.json");
        var tier = new TierOptions { Endpoint = server.BaseUri, ApiKey = "sk-test-secret", Model = "gpt-4o-mini" };
        using var client = new OpenAiCompatibleChatClient(tier, new ModelOptions { MaxRetries = 2 });
        var lookup = AIFunctionFactory.Create((string customer) => $"{customer}: gold plan", "lookup_customer", "Looks a customer up.");

        var response = await ToolCallingLoop.RunAsync(client, [new ChatMessage(ChatRole.System, "You help."), new ChatMessage(ChatRole.User, "Which plan is acme on?")],
            new ChatOptions(), [lookup], 4, TestContext.Current.CancellationToken);

        Assert.Equal("Acme is on the gold plan.", response.Text);
        Assert.Equal((120L, 9L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount));
        Assert.Equal("gpt-4o-mini-2024-07-18", response.ModelId);
        var requests = server.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(("/v1/chat/completions", "Bearer sk-test-secret"), (r.Path, r.Authorization)));
        var firstAfterRetry = JsonNode.Parse(requests[1].Body)!;
        Assert.Equal("gpt-4o-mini", firstAfterRetry["model"]!.GetValue<string>());
        Assert.Equal("lookup_customer", firstAfterRetry["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        var toolRound = JsonNode.Parse(requests[2].Body)!["messages"]!.AsArray();
        Assert.Equal("call_7Xy", toolRound[2]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(("tool", "call_7Xy", "acme: gold plan"), (toolRound[3]!["role"]!.GetValue<string>(), toolRound[3]!["tool_call_id"]!.GetValue<string>(), toolRound[3]!["content"]!.ToString()));
    }

    [Fact]
    public async Task InvalidRequest_IsNotRetried_AndFailsWithTheServersMessage()
    {
        await using var server = new RecordedOpenAiServer().Then(404, "invalid-request.json");
        using var client = new OpenAiCompatibleChatClient(new TierOptions { Endpoint = server.BaseUri, Model = "no-such-model" }, new ModelOptions { MaxRetries = 3 });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(404, error.Status);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }
}
