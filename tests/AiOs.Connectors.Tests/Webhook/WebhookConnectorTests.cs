using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AiOs.Connectors.Resilience;
using AiOs.Connectors.Tests.Infrastructure;
using AiOs.Connectors.Webhook;
using AiOs.Testing;
using AiOs.Workforce.Actions;

namespace AiOs.Connectors.Tests.Webhook;

/// <summary>The webhook connector against a real HTTP receiver: the signature verifies (by the documented recipe, computed
/// here independently), 5xx then success is retried with the same idempotency key, 4xx is refused without retry, the
/// circuit opens after repeated failures, and dry-run posts nothing.</summary>
[Trait("Category", "Integration")]
public sealed class WebhookConnectorTests
{
    private const string Secret = "whsec-0123456789abcdef-test";

    [Fact]
    public async Task Post_CarriesTheIdempotencyKey_AndASignatureTheReceiverVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var key = Key();
        var body = new JsonObject { ["goal"] = "g-1", ["text"] = "Weekly post – ready" }.ToJsonString();

        var result = await Connector(receiver).SendAsync("webhook.post", body, key, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Succeeded, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(key, request.Headers["Idempotency-Key"]);
        Assert.Equal(body, Encoding.UTF8.GetString(request.Body));
        var header = request.Headers[WebhookSignature.Header];
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(request.Body).ToArray());
        Assert.Equal(Convert.ToHexStringLower(expected), parts["v1"]);
        Assert.True(WebhookSignature.Verify(Secret, header, request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, header, Encoding.UTF8.GetBytes(body.Replace("ready", "READY", StringComparison.Ordinal)), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-entirely", header, request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var old = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"], CultureInfo.InvariantCulture)).AddMinutes(10);
        Assert.False(WebhookSignature.Verify(Secret, header, request.Body, old, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task ServerError_ThenSuccess_IsRetried_WithTheSameIdempotencyKey()
    {
        await using var receiver = await WebhookReceiver.StartAsync(503, 500);
        var key = Key();

        var result = await Connector(receiver).SendAsync("webhook.post", "{}", key, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Succeeded, result.Outcome);
        Assert.Equal([key, key, key], receiver.Requests.Select(r => r.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task ClientError_IsRefused_WithoutRetry_AndTheErrorGoesToTheOperator()
    {
        await using var receiver = await WebhookReceiver.StartAsync(422);

        var result = await Connector(receiver).SendAsync("webhook.post", "{}", Key(), CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Refused, result.Outcome);
        Assert.Contains("answered 422", result.Error, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task CircuitOpens_AfterRepeatedServerErrors_AndThenPostsNothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500, 500);
        var connector = Connector(receiver, o => o.Resilience = new ResilienceOptions
        {
            MaxRetries = 0, BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakerBreakDuration = TimeSpan.FromMinutes(5),
        });

        var outcomes = new List<ConnectorResult>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await connector.SendAsync("webhook.post", "{}", Key(), CancellationToken.None));
        }

        Assert.Equal([ConnectorOutcome.Unknown, ConnectorOutcome.Unknown, ConnectorOutcome.NotDelivered], outcomes.Select(o => o.Outcome));
        Assert.Contains("circuit open", outcomes[2].Error, StringComparison.Ordinal);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal((ConnectorState.Unavailable, "Open"), (connector.Health().State, connector.Health().Circuit));
    }

    [Fact]
    public async Task DryRun_PostsNothing_AndRecordsWhatItWouldHavePosted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var key = Key();

        var result = await Connector(receiver, o => o.DryRun = true).SendAsync("webhook.post", """{"text":"hello"}""", key, CancellationToken.None);
        await Connector(receiver).SendAsync("webhook.post", "{}", Key(), CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Succeeded, result.Outcome);
        var recorded = JsonNode.Parse(result.ResultJson!)!;
        Assert.Equal((true, key, """{"text":"hello"}"""), (recorded["dryRun"]!.GetValue<bool>(), recorded["idempotencyKey"]!.GetValue<string>(), recorded["body"]!.GetValue<string>()));
        Assert.DoesNotContain(receiver.Requests, r => r.Headers["Idempotency-Key"] == key);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public void Options_NameTheWrongSetting()
    {
        var problems = new WebhookOptions { Url = new Uri("ftp://example.com/x"), Secret = "short" }.Problems().ToList();

        Assert.Contains(problems, p => p.StartsWith("AiOs:Connectors:Webhook:Url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AiOs:Connectors:Webhook:Secret must be at least 16", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("short", StringComparison.Ordinal));
    }

    private static WebhookConnector Connector(WebhookReceiver receiver, Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions
        {
            Url = receiver.Url,
            Secret = Secret,
            Resilience = new ResilienceOptions { MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromSeconds(10) },
        };
        configure?.Invoke(options);
        return new WebhookConnector(options, new RecordingLogger<WebhookConnector>());
    }

    private static string Key() => "act-" + Guid.NewGuid().ToString("N");
}
