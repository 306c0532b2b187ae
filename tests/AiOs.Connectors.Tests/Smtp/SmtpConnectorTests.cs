using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AiOs.Connectors.Resilience;
using AiOs.Connectors.Smtp;
using AiOs.Connectors.Tests.Infrastructure;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Actions;

namespace AiOs.Connectors.Tests.Smtp;

/// <summary>The email connector against a real SMTP server (aiosmtpd): one email per action with the Message-ID derived
/// from the ledger key, 4xx replies retried, 5xx replies refused without retry, credentials kept out of errors and logs,
/// dry-run sending nothing, and the circuit opening after repeated failures.</summary>
[Trait("Category", "Integration")]
public sealed class SmtpConnectorTests(SmtpServer server, LedgerFixture ledger) : IClassFixture<SmtpServer>, IClassFixture<LedgerFixture>
{
    private const string Password = "Sup3r-Secret-Passw0rd!";

    [Fact]
    public async Task EmailAction_RunTwiceThroughTheLedger_DeliversOneMessage_WithTheMessageIdOfItsLedgerKey()
    {
        var connector = Connector();
        var runner = new ActionRunner(ledger.Ledger, [connector]);
        var to = Address("ada");
        var intent = LedgerFixture.Intent("email.send", new JsonObject { ["to"] = to, ["subject"] = "Welcome, Ada – schön", ["text"] = "Hello Ada,\n.\nwelcome aboard." }.ToJsonString());

        var first = await runner.RunAsync(intent, needsApproval: false, LedgerFixture.Writer, CancellationToken.None);
        var second = await runner.RunAsync(intent, needsApproval: false, LedgerFixture.Writer, CancellationToken.None);

        Assert.Equal((ActionStatus.Succeeded, ActionStatus.Succeeded), (first.Status, second.Status));
        var mail = Assert.Single(await ReceivedAsync(to, 1));
        Assert.Equal($"<{intent.Key}@example.com>", mail.Header("Message-ID"));
        Assert.Equal("Hello Ada,\r\n.\r\nwelcome aboard.", mail.Body);
        Assert.Equal("=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Welcome, Ada – schön")) + "?=", mail.Header("Subject"));
        Assert.Equal(1, (await ledger.Ledger.ReadAsync(intent.Key))!.Attempts);
    }

    [Fact]
    public async Task TransientReply_451_IsRetried_ThenDeliveredOnce()
    {
        var connector = Connector();
        var to = Address("flaky2");

        var result = await connector.SendAsync("email.send", Request(to), Key(), CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Succeeded, result.Outcome);
        Assert.Single(await ReceivedAsync(to, 1));
        Assert.Equal(3, connector.Health().Attempts);
    }

    [Fact]
    public async Task PermanentReply_550_IsRefused_WithoutRetry()
    {
        var connector = Connector();

        var result = await connector.SendAsync("email.send", Request(Address("reject")), Key(), CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Refused, result.Outcome);
        Assert.Contains("550", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, connector.Health().Attempts);
    }

    [Fact]
    public async Task WrongPassword_IsRefused_AndNeitherTheErrorNorTheLogsContainThePassword()
    {
        var logger = new RecordingLogger<SmtpConnector>();
        var connector = Connector(o => (o.Username, o.Password) = ("aios", Password), logger);

        var result = await connector.SendAsync("email.send", Request(Address("bob")), Key(), CancellationToken.None);

        Assert.True(result.Outcome == ConnectorOutcome.Refused, result.Error);
        Assert.Contains("535", result.Error, StringComparison.Ordinal);
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0aios\0{Password}"));
        foreach (var text in new[] { result.Error!, logger.All, connector.Health().LastError! })
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(plain, text, StringComparison.Ordinal);
        }

        Assert.Contains("535", logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RightPassword_Authenticates_AndDelivers()
    {
        var connector = Connector(o => (o.Username, o.Password) = ("aios", "right-password"));
        var to = Address("carol");

        Assert.Equal(ConnectorOutcome.Succeeded, (await connector.SendAsync("email.send", Request(to), Key(), CancellationToken.None)).Outcome);
        Assert.Single(await ReceivedAsync(to, 1));
    }

    [Fact]
    public async Task DryRun_SendsNothing_AndRecordsTheMessageItWouldHaveSent()
    {
        var to = Address("dry");
        var key = Key();

        var result = await Connector(o => o.DryRun = true).SendAsync("email.send", Request(to), key, CancellationToken.None);
        // A real send to the same address afterwards: once it has arrived, anything the dry run had sent would be there too.
        await Connector().SendAsync("email.send", Request(to), Key(), CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Succeeded, result.Outcome);
        var recorded = JsonNode.Parse(result.ResultJson!)!;
        Assert.True(recorded["dryRun"]!.GetValue<bool>());
        Assert.Equal($"<{key}@example.com>", recorded["messageId"]!.GetValue<string>());
        Assert.Contains($"To: {to}", recorded["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var received = Assert.Single(await ReceivedAsync(to, 1));
        Assert.NotEqual($"<{key}@example.com>", received.Header("Message-ID"));
    }

    [Fact]
    public async Task CircuitOpens_AfterRepeatedFailures_AndThenRefusesWithoutConnecting()
    {
        // A server that accepts connections and hangs up at once: every attempt fails before any data is sent.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
            }
        });
        var connector = Connector(o =>
        {
            o.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            o.Resilience = new ResilienceOptions { MaxRetries = 0, BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakerBreakDuration = TimeSpan.FromMinutes(5) };
        });

        var outcomes = new List<ConnectorResult>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await connector.SendAsync("email.send", Request(Address("eve")), Key(), CancellationToken.None));
        }

        Assert.All(outcomes, o => Assert.Equal(ConnectorOutcome.NotDelivered, o.Outcome));
        Assert.Contains("circuit open", outcomes[2].Error, StringComparison.Ordinal);
        Assert.Equal(2, Volatile.Read(ref connections));
        Assert.Equal(ConnectorState.Unavailable, connector.Health().State);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
    }

    private SmtpConnector Connector(Action<SmtpOptions>? configure = null, RecordingLogger<SmtpConnector>? logger = null)
    {
        var options = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Tls = SmtpTls.None,
            From = "hello@example.com",
            FromName = "Example Ltd",
            Resilience = new ResilienceOptions { MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromSeconds(10) },
        };
        configure?.Invoke(options);
        Assert.Empty(options.Problems());
        return new SmtpConnector(options, null, logger ?? new RecordingLogger<SmtpConnector>());
    }

    private async Task<IReadOnlyList<ReceivedMail>> ReceivedAsync(string to, int count)
    {
        await Eventually.WaitUntilAsync(() => server.MessagesTo(to).Count >= count, $"{count} message(s) to {to} arrive");
        return server.MessagesTo(to);
    }

    private static string Request(string to) => new JsonObject { ["to"] = to, ["subject"] = "Hello", ["text"] = "Hello there." }.ToJsonString();

    private static string Address(string local) => $"{local}-{Guid.NewGuid().ToString("N")[..8]}@customer.example";

    private static string Key() => "act-" + Guid.NewGuid().ToString("N");
}
